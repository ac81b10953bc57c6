import Foundation

/// The last audit event known to have been committed, kept outside the database in the file
/// `audit.head` of the data directory, so that removing events from the end of the trail (which
/// leaves a chain that still links) can be seen.
///
/// The file may lag behind the table (a writer that crashed between commit and update, or two
/// terminals finishing out of order): that is fine. It must never be ahead of the table, nor name a
/// hash the table does not hold at that seq.
public struct AuditHead: Hashable, Sendable {
    /// The event's sequence number.
    public let seq: Int64
    /// The event's hash.
    public let hash: String
}

/// Reads and replaces `audit.head`.
struct AuditAnchor: Sendable {
    static let fileName = "audit.head"

    let url: URL

    init(directory: URL) {
        url = directory.appendingPathComponent(Self.fileName)
    }

    /// The recorded head, or `nil` when there is none yet or the file cannot be read as one.
    func read() -> AuditHead? {
        guard let data = FileManager.default.contents(atPath: url.path),
              let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(whereSeparator: \.isWhitespace)
        guard parts.count == 2, let seq = Int64(parts[0]) else { return nil }
        return AuditHead(seq: seq, hash: String(parts[1]))
    }

    /// Records `head` unless a later event is already recorded; the write goes to a staging file
    /// and is renamed into place, so a reader never sees half a line.
    func advance(to head: AuditHead) throws {
        if let current = read(), current.seq >= head.seq { return }
        try replace(with: head)
    }

    /// Records `head` even when it is behind the recorded one: only for a restore, which
    /// legitimately takes the trail back to the backup's end (and records that it did).
    func replace(with head: AuditHead) throws {
        // Written beside and renamed into place (Foundation's atomic write): a reader never sees half a line.
        do {
            try Data("\(head.seq) \(head.hash)\n".utf8).write(to: url, options: .atomic)
        } catch {
            throw AuditTrailError.anchorUnwritable(url.path, reason: error.localizedDescription)
        }
    }
}
