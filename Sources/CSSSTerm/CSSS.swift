import ArgumentParser
import CSSSClinic

@main
struct CSSS: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "csss", abstract: "Clinical Scan Support System")
}
