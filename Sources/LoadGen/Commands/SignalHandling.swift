import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into a graceful stop: stop sending, wait for answers, report.
/// A second signal exits at once.
final class StopOnSignals {
    private let sources: [any DispatchSourceSignal]

    init(control: RunControl) {
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                if control.isStopping {
                    FileHandle.standardError.write(Data("\nloadgen: second signal, exiting without a report\n".utf8))
                    exit(130)
                }
                FileHandle.standardError.write(Data("\nloadgen: stopping (waiting for answers; signal again to quit)\n".utf8))
                control.requestStop()
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
