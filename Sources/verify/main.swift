import ArgumentParser
import Foundation
import Verifier

// Worker mode: the supervisor runs this same executable again with a hidden first argument.
let arguments = CommandLine.arguments.dropFirst()
if arguments.first == WorkerProcess.flag {
    exit(WorkerProcess.main(arguments: Array(arguments.dropFirst())))
}
// The daemon check's client, bound to die with verify.
if arguments.first == ParentBoundExec.flag {
    exit(ParentBoundExec.main(arguments: Array(arguments.dropFirst())))
}

do {
    var command = try Verify.parseAsRoot()
    try command.run()
} catch let status as ExitCode {
    // The run has already said what happened, on stderr; stdout stays empty.
    exit(status.rawValue)
} catch {
    let status = Verify.exitCode(for: error)
    if status == .success {
        // --help: the one thing verify prints on stdout.
        print(Verify.fullMessage(for: error))
    } else {
        // Usage errors: one line, exit 2 like every other input error; the argument it quotes is escaped.
        let message = Verify.message(for: error).split(separator: "\n").first.map { EscapedText.make($0) } ?? "invalid usage"
        Console.line("verify: error: \(message) (see verify --help)")
        exit(ExitStatus.environmentError.rawValue)
    }
    exit(status.rawValue)
}
