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
    var command = try VerifyCommand.parseAsRoot()
    try command.run()
} catch {
    let status = VerifyCommand.exitCode(for: error)
    if status == .success {
        print(VerifyCommand.fullMessage(for: error))
    } else if error is ExitCode {
        // The run has already said what happened.
    } else {
        // Usage errors: one line, exit 2 like every other input error.
        let message = VerifyCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid usage"
        FileHandle.standardError.write(Data("verify: error: \(message) (see verify --help)\n".utf8))
        exit(ExitStatus.environmentError.rawValue)
    }
    exit(status.rawValue)
}
