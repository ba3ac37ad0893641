import Benchmark
import NIOCore
import ScoringDaemon
import ScoringModel
import StreamifyWire
import Workload

// Each benchmark runs in its own process (the benchmark tool starts the executable per
// benchmark), builds its warm 1M-card engine and its inputs once, outside the measured region,
// and then measures `scaledIterations` (1,000) operations per sample.

/// A `RiskEngine` (default `EngineConfiguration`) warmed with the 1M-card workload.
final class WarmEngine: @unchecked Sendable {
    static let shared = WarmEngine()

    let workload = Workload()
    let engine = RiskEngine()

    private init() {
        workload.warm(engine)
    }
}

/// 1M live transactions (random cards of the warm population) as model features.
final class FeatureStream: @unchecked Sendable {
    static let shared = FeatureStream()

    let features: [TransactionFeatures]
    private var cursor = 0
    private var timeShiftMs: Int64 = 0
    private let spanMs: Int64

    private init() {
        let workload = WarmEngine.shared.workload
        let count = 1 << 20
        features = (0..<count).map { Workload.features(workload.transaction($0)) }
        spanMs = Int64(count) * workload.liveStepMs
    }

    /// The next transaction; event time keeps rising when the stream wraps around.
    @inline(__always)
    func next() -> TransactionFeatures {
        var transaction = features[cursor]
        transaction.eventTimeMs &+= timeShiftMs
        cursor += 1
        if cursor == features.count {
            cursor = 0
            timeShiftMs += spanMs
        }
        return transaction
    }
}

/// Pre-encoded request frame bodies (what `FrameDecoder` hands to the processor).
final class FrameStream: @unchecked Sendable {
    let frames: [ByteBuffer]
    private var cursor = 0

    init(count: Int, transactionsPerFrame: Int) {
        let workload = WarmEngine.shared.workload
        var frames: [ByteBuffer] = []
        frames.reserveCapacity(count)
        for index in 0..<count {
            let body: Request.Body
            if transactionsPerFrame == 1 {
                body = .score(workload.transaction(index))
            } else {
                let first = index * transactionsPerFrame
                body = .scoreBatch((first..<first + transactionsPerFrame).map { workload.transaction($0) })
            }
            let bytes = WireCodec.encode(Request(requestID: UInt64(index + 1), body: body))
            frames.append(ByteBuffer(bytes: bytes))
        }
        self.frames = frames
    }

    @inline(__always)
    func next() -> ByteBuffer {
        let frame = frames[cursor]
        cursor = cursor + 1 == frames.count ? 0 : cursor + 1
        return frame
    }
}

let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .mallocCountTotal, .throughput]
    let perIteration = Benchmark.Configuration(
        metrics: metrics,
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 2_000
    )
    var perBatch = perIteration
    perBatch.scalingFactor = .one
    perBatch.timeUnits = .microseconds

    Benchmark("RiskEngine.score (warm 1M cards)", configuration: perIteration) { benchmark in
        let engine = WarmEngine.shared.engine
        let stream = FeatureStream.shared
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(engine.score(stream.next()))
        }
        benchmark.stopMeasurement()
    }

    final class FrameState: @unchecked Sendable {
        static let single = FrameState(count: 1 << 18, transactionsPerFrame: 1)
        static let batch = FrameState(count: 4_096, transactionsPerFrame: 100)

        let processor = FrameProcessor(engine: WarmEngine.shared.engine)
        let frames: FrameStream
        var outbound = ByteBufferAllocator().buffer(capacity: 64 * 1024)

        init(count: Int, transactionsPerFrame: Int) {
            frames = FrameStream(count: count, transactionsPerFrame: transactionsPerFrame)
        }
    }

    Benchmark("FrameProcessor.process score frame (warm 1M cards)", configuration: perIteration) { benchmark in
        let state = FrameState.single
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            state.outbound.clear()
            state.processor.process(frame: state.frames.next(), into: &state.outbound)
            blackHole(state.outbound.readableBytes)
        }
        benchmark.stopMeasurement()
    }

    Benchmark("FrameProcessor.process 100-transaction batch frame (warm 1M cards)", configuration: perBatch) { benchmark in
        let state = FrameState.batch
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            state.outbound.clear()
            state.processor.process(frame: state.frames.next(), into: &state.outbound)
            blackHole(state.outbound.readableBytes)
        }
        benchmark.stopMeasurement()
    }
}
