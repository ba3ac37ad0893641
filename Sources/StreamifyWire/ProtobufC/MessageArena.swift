import CProtobufC

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A bump allocator that protobuf-c unpacks into and that outgoing C messages are built in.
///
/// protobuf-c's default allocator mallocs every node of a decoded tree. An arena turns that
/// into pointer bumps inside one block that is reused from message to message: decode a
/// frame, use it, then `reset()`. Messages larger than the block take further chunks, which are
/// freed on `reset()`.
///
/// Not thread-safe: own one per connection (or per thread).
public final class MessageArena {
    private let block: UnsafeMutableRawPointer
    private let blockSize: Int
    /// The chunk being bumped through: `block`, or the newest overflow chunk.
    private var chunk: UnsafeMutableRawPointer
    private var chunkSize: Int
    private var used = 0
    private var overflowChunks: [UnsafeMutableRawPointer] = []
    /// Bytes of the chunks taken beyond the reusable block since the last `reset()`: what the
    /// messages in the arena hold over its fixed size.
    public private(set) var overflowBytes = 0
    /// The `ProtobufCAllocator` that allocates from this arena, at a stable address.
    public let allocator: UnsafeMutablePointer<ProtobufCAllocator>

    /// - Parameter capacity: bytes of the reusable block; more is taken in chunks of this size.
    public init(capacity: Int = 64 * 1024) {
        precondition(capacity > 0)
        self.blockSize = capacity
        self.block = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        self.chunk = block
        self.chunkSize = capacity
        self.allocator = .allocate(capacity: 1)
        self.allocator.initialize(
            to: ProtobufCAllocator(
                alloc: { data, size in
                    // protobuf-c only calls this while the arena's owner is unpacking into it, so the
                    // arena is alive: borrow it without a retain/release pair per allocation.
                    Unmanaged<MessageArena>.fromOpaque(data!)._withUnsafeGuaranteedRef { $0.allocate(byteCount: size) }
                },
                free: { _, _ in
                    // Everything is released at once by `reset()`.
                },
                allocator_data: nil
            )
        )
        self.allocator.pointee.allocator_data = Unmanaged.passUnretained(self).toOpaque()
        self.overflowChunks.reserveCapacity(4)
    }

    deinit {
        reset()
        block.deallocate()
        allocator.deinitialize(count: 1)
        allocator.deallocate()
    }

    /// Returns 16-byte aligned memory that lives until the next `reset()`.
    public func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        let size = (max(byteCount, 1) + 15) & ~15
        if used + size > chunkSize {
            let newSize = max(size, blockSize)
            chunk = UnsafeMutableRawPointer.allocate(byteCount: newSize, alignment: 16)
            chunkSize = newSize
            used = 0
            overflowChunks.append(chunk)
            overflowBytes += newSize
        }
        let pointer = chunk + used
        used += size
        return pointer
    }

    /// Gives back the unused tail of the most recent allocation, which began at `pointer`.
    public func shrinkLastAllocation(at pointer: UnsafeMutableRawPointer, to byteCount: Int) {
        let offset = pointer - chunk
        guard offset >= 0, offset < used else { return }
        used = offset + ((max(byteCount, 1) + 15) & ~15)
    }

    /// Copies `string` into the arena as a NUL-terminated C string.
    public func copy(_ string: String) -> UnsafeMutablePointer<CChar> {
        var string = string
        return string.withUTF8 { utf8 in
            copy(UnsafeRawBufferPointer(utf8))
        }
    }

    /// Copies raw bytes into the arena and NUL-terminates them.
    public func copy(_ bytes: UnsafeRawBufferPointer) -> UnsafeMutablePointer<CChar> {
        let memory = allocate(byteCount: bytes.count + 1)
        if let base = bytes.baseAddress, bytes.count > 0 {
            memory.copyMemory(from: base, byteCount: bytes.count)
        }
        memory.storeBytes(of: 0, toByteOffset: bytes.count, as: UInt8.self)
        return memory.assumingMemoryBound(to: CChar.self)
    }

    /// Copies `string`'s UTF-8 into the arena as a protobuf-c bytes value (no terminator).
    public func copyBinary(_ string: String) -> ProtobufCBinaryData {
        var string = string
        return string.withUTF8 { utf8 in
            guard let base = utf8.baseAddress, !utf8.isEmpty else { return ProtobufCBinaryData(len: 0, data: nil) }
            let memory = allocate(byteCount: utf8.count)
            memory.copyMemory(from: base, byteCount: utf8.count)
            return ProtobufCBinaryData(len: utf8.count, data: memory.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// Allocates an uninitialised `T` (a protobuf-c message struct) in the arena.
    public func make<T>(_: T.Type) -> UnsafeMutablePointer<T> {
        allocate(byteCount: MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: 1)
    }

    /// Allocates `count` uninitialised `T`s, back to back.
    public func make<T>(_: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        allocate(byteCount: MemoryLayout<T>.stride * max(count, 1)).bindMemory(to: T.self, capacity: max(count, 1))
    }

    /// Allocates an array of `count` pointers in the arena.
    public func makePointerArray<T>(of _: T.Type, count: Int) -> UnsafeMutablePointer<UnsafeMutablePointer<T>?> {
        make(UnsafeMutablePointer<T>?.self, count: count)
    }

    /// Whether anything since the last reset did not fit in the reusable block.
    public var hasOverflowed: Bool { !overflowChunks.isEmpty }

    /// Releases everything allocated since the last reset.
    public func reset() {
        used = 0
        chunk = block
        chunkSize = blockSize
        if !overflowChunks.isEmpty {
            for overflow in overflowChunks { overflow.deallocate() }
            overflowChunks.removeAll(keepingCapacity: true)
            overflowBytes = 0
        }
    }
}
