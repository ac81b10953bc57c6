import CSSSStore
import Crypto
import Foundation
import GRDB

/// The tamper-evident audit trail (HIPAA §164.312(b), audit controls): who did what to which
/// record, when, and how it ended, kept as a hash chain in `audit_event`.
///
/// Each event's `hash` is an HMAC-SHA256 under the store's audit-chain key of all its columns and
/// of the previous event's hash. What ``verify()`` can therefore see, and what it cannot:
///
/// - Someone holding only the database file (and `sqlite3`), not the master key, cannot compute a
///   MAC: any row they change, insert, delete or renumber is reported with its seq. Removing the
///   newest events leaves a chain that still links; that is caught by the head recorded outside the
///   table in `audit.head` (see ``AuditHead``), as long as that file was not also rolled back or
///   deleted (a missing or older head is accepted, because it legitimately lags behind).
///   Removing the oldest events is caught unless a checkpoint signed with the Ed25519 key covers them.
/// - Someone holding the master key (or a running CSSS they control) can rewrite the whole trail
///   and every checkpoint consistently; only a copy kept elsewhere (an export, a backup) shows that.
/// - Replacing the database and `audit.head` together with an older, genuine copy is not detected.
///
/// ```swift
/// let trail = AuditTrail(store: store)
/// try store.write { db in
///     try db.execute(sql: "UPDATE user SET enabled = 0 WHERE id = ?", arguments: [7])
///     try trail.append(AuditEntry(action: .userDisable, actor: admin, subject: "user:7"), in: db)
/// }
/// ```
public struct AuditTrail: Sendable {
    /// The store whose `audit_event` table this trail writes.
    public let store: ClinicStore
    let anchor: AuditAnchor

    public init(store: ClinicStore) {
        self.store = store
        anchor = AuditAnchor(directory: store.directory.url)
    }

    /// Appends `entry` inside the caller's write transaction, so that the change it describes and
    /// its audit event commit together or not at all. Call ``noteCommitted(_:)`` with the result
    /// once the transaction has committed.
    ///
    /// - Throws: ``AuditTrailError/notInTransaction`` outside a transaction (two writers could
    ///   then take the same seq), or the database's error.
    @discardableResult
    public func append(_ entry: AuditEntry, in db: Database) throws -> AuditEvent {
        guard db.isInsideTransaction else { throw AuditTrailError.notInTransaction }
        let previous = try Self.lastLink(db)
        let occurredAt = AuditTimestamp.format(Date())
        let event = AuditEvent(seq: previous.seq + 1, occurredAt: occurredAt, entry: entry,
                               prevHash: previous.hash, key: store.keys.auditChain)
        try event.insert(db)
        return event
    }

    /// Records `entry` in a transaction of its own and updates the recorded head.
    @discardableResult
    public func record(_ entry: AuditEntry) throws -> AuditEvent {
        let event = try store.write { db in try append(entry, in: db) }
        noteCommitted(event)
        return event
    }

    /// Records `event` as the newest committed one in `audit.head`, which lets ``verify()`` see
    /// events removed from the end. Call it after the transaction that appended `event` commits.
    ///
    /// Best effort: a head that cannot be written only weakens that one check, and must not make
    /// a committed action look as if it failed.
    public func noteCommitted(_ event: AuditEvent) {
        try? anchor.advance(to: AuditHead(seq: event.seq, hash: event.hash))
    }

    /// Makes `event` the recorded head even though the head was further on: after a restore has
    /// replaced the trail with a backup's, whose restore event is `event`.
    func rewindHead(to event: AuditEvent) throws {
        try anchor.replace(with: AuditHead(seq: event.seq, hash: event.hash))
    }

    /// The events that occurred in `from..<to` (either end open when `nil`), optionally only those
    /// about one patient or by one user, in seq order.
    public func events(from: Date? = nil, to: Date? = nil, patientID: Int64? = nil,
                       actorUserID: Int64? = nil) throws -> [AuditEvent] {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let from { conditions.append("occurred_at >= ?"); arguments += [AuditTimestamp.format(from)] }
        if let to { conditions.append("occurred_at < ?"); arguments += [AuditTimestamp.format(to)] }
        if let patientID { conditions.append("patient_id = ?"); arguments += [patientID] }
        if let actorUserID { conditions.append("actor_user_id = ?"); arguments += [actorUserID] }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try store.read { db in
            try AuditEvent.fetchAll(db, sql: "SELECT * FROM audit_event\(filter) ORDER BY seq", arguments: arguments)
        }
    }

    /// Removes, in one transaction, the events that occurred before `before`, leaving a signed
    /// ``AuditCheckpoint`` in their place and an `audit.prune` event by `actor`; the trail still
    /// verifies afterwards.
    ///
    /// Only a leading run of events is removed (up to the first event at or after `before`), so
    /// that what remains is one chain.
    ///
    /// - Returns: the checkpoint, or `nil` when no event is old enough (nothing is written then).
    /// - Throws: ``AuditTrailError/chainNotIntact(problems:)`` when ``verify()`` finds a problem:
    ///   pruning would destroy the evidence.
    @discardableResult
    public func prune(before: Date, actor: AuditActor) throws -> AuditCheckpoint? {
        let result = try store.write { db -> (AuditCheckpoint, AuditEvent)? in
            let verification = try verify(in: db, head: anchor.read())
            guard verification.isIntact else {
                throw AuditTrailError.chainNotIntact(problems: verification.problems.count)
            }
            let cutoff = AuditTimestamp.format(before)
            let firstKept = try Int64.fetchOne(db, sql: "SELECT MIN(seq) FROM audit_event WHERE occurred_at >= ?",
                                               arguments: [cutoff])
            let through = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM audit_event WHERE seq < ?",
                                             arguments: [firstKept ?? Int64.max])
            guard let through,
                  let throughHash = try String.fetchOne(db, sql: "SELECT hash FROM audit_event WHERE seq = ?",
                                                        arguments: [through]) else { return nil }
            try db.execute(sql: "DELETE FROM audit_event WHERE seq <= ?", arguments: [through])
            let removed = Int64(db.changesCount)
            let checkpoint = try insertCheckpoint(throughSeq: through, throughHash: throughHash,
                                                  removedCount: removed, in: db)
            let event = try append(AuditEntry(action: .auditPrune, actor: actor,
                                              subject: "audit_checkpoint:\(checkpoint.id)",
                                              detail: "through_seq=\(through) removed=\(removed)"), in: db)
            return (checkpoint, event)
        }
        guard let result else { return nil }
        noteCommitted(result.1)
        return result.0
    }

    private func insertCheckpoint(throughSeq: Int64, throughHash: String, removedCount: Int64,
                                  in db: Database) throws -> AuditCheckpoint {
        let createdAt = AuditTimestamp.format(Date())
        let payload = AuditChainEncoding.checkpoint(throughSeq: throughSeq, throughHash: throughHash,
                                                    removedCount: removedCount, createdAt: createdAt)
        let signature = try store.keys.auditCheckpointSigning.signature(for: payload).base64EncodedString()
        try db.execute(sql: """
            INSERT INTO audit_checkpoint (through_seq, through_hash, removed_count, created_at, signature)
            VALUES (?, ?, ?, ?, ?)
            """, arguments: [throughSeq, throughHash, removedCount, createdAt, signature])
        return AuditCheckpoint(id: db.lastInsertedRowID, throughSeq: throughSeq, throughHash: throughHash,
                               removedCount: removedCount, createdAt: createdAt, signature: signature)
    }

    /// The event a new one links to: the newest event, else the newest checkpoint, else genesis.
    private static func lastLink(_ db: Database) throws -> (seq: Int64, hash: String) {
        if let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1") {
            return (Int64.fromDatabaseValue(row["seq"]) ?? 0, String.fromDatabaseValue(row["hash"]) ?? "")
        }
        if let checkpoint = try latestCheckpoint(db) {
            return (checkpoint.throughSeq, checkpoint.throughHash)
        }
        return (0, AuditChainEncoding.genesisHash)
    }

    static func latestCheckpoint(_ db: Database) throws -> AuditCheckpoint? {
        try AuditCheckpoint.fetchOne(db, sql: "SELECT * FROM audit_checkpoint ORDER BY through_seq DESC, id DESC LIMIT 1")
    }
}

/// Why the audit trail refused or failed an operation.
public enum AuditTrailError: Error, Equatable, CustomStringConvertible {
    /// ``AuditTrail/append(_:in:)`` was called outside a write transaction.
    case notInTransaction
    /// The chain has problems, so it was not pruned.
    case chainNotIntact(problems: Int)
    /// `audit.head` could not be replaced.
    case anchorUnwritable(String, reason: String)

    public var description: String {
        switch self {
        case .notInTransaction:
            "an audit event must be appended inside the write transaction of the change it records"
        case .chainNotIntact(let problems):
            "the audit trail has \(problems) problem\(problems == 1 ? "" : "s"); run 'audit verify' and keep the evidence instead of pruning"
        case .anchorUnwritable(let path, let reason):
            "cannot record the audit head in \(path): \(reason)"
        }
    }
}
