import ArgumentParser
import CSSSClinic

/// `csss patient`: patient records.
struct PatientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patient",
        abstract: "Register, find and open patient records.",
        subcommands: [PatientAdd.self, PatientList.self, PatientShow.self]
    )
}

extension Patient {
    /// The record as the terminal shows it.
    var lines: [String] {
        var lines = ["Patient \(id)", "  MRN:        \(details.mrn)", "  Name:       \(details.name)"]
        if let birthDate = details.birthDate { lines.append("  Born:       \(birthDate)") }
        if let sex = details.sex { lines.append("  Sex:        \(sex)") }
        if let email = details.email { lines.append("  Email:      \(email)") }
        if let phone = details.phone { lines.append("  Phone:      \(phone)") }
        if details.restricted { lines.append("  Restricted: yes (break-glass access is audited)") }
        return lines
    }
}
