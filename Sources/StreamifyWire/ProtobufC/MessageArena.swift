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
/// frame, use it, then `reset()`. Requests larger than the block spill to `malloc`, and those
/// spills are freed on `reset()`.
///
/// Not thread-safe: own one per connection (or per thread).
public final class MessageArena {
    private let block: UnsafeMutableRawPointer
    private let blockSize: Int
    private var used = 0
    private var spills: [UnsafeMutableRawPointer] = []
    /// The `ProtobufCAllocator` that allocates from this arena, at a stable address.
    public let allocator: UnsafeMutablePointer<ProtobufCAllocator>

    /// - Parameter capacity: bytes served before spilling to `malloc`.
    public init(capacity: Int = 64 * 1024) {
        precondition(capacity > 0)
        self.blockSize = capacity
        self.block = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        self.allocator = .allocate(capacity: 1)
        self.allocator.initialize(
            to: ProtobufCAllocator(
                alloc: { data, size in
                    Unmanaged<MessageArena>.fromOpaque(data!).takeUnretainedValue().allocate(byteCount: size)
                },
                free: { _, _ in
                    // Everything is released at once by `reset()`.
                },
                allocator_data: nil
            )
        )
        self.allocator.pointee.allocator_data = Unmanaged.passUnretained(self).toOpaque()
        self.spills.reserveCapacity(4)
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
        if used + size <= blockSize {
            let pointer = block + used
            used += size
            return pointer
        }
        let spill = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        spills.append(spill)
        return spill
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

    /// Allocates an uninitialised `T` (a protobuf-c message struct) in the arena.
    public func make<T>(_: T.Type) -> UnsafeMutablePointer<T> {
        allocate(byteCount: MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: 1)
    }

    /// Allocates an array of `count` pointers in the arena.
    public func makePointerArray<T>(of _: T.Type, count: Int) -> UnsafeMutablePointer<UnsafeMutablePointer<T>?> {
        allocate(byteCount: MemoryLayout<UnsafeMutablePointer<T>?>.stride * max(count, 1))
            .bindMemory(to: UnsafeMutablePointer<T>?.self, capacity: max(count, 1))
    }

    /// Whether any allocation since the last reset did not fit in the block.
    public var hasSpilled: Bool { !spills.isEmpty }

    /// Releases everything allocated since the last reset.
    public func reset() {
        used = 0
        if !spills.isEmpty {
            for spill in spills { spill.deallocate() }
            spills.removeAll(keepingCapacity: true)
        }
    }
}
