import Crypto
import Foundation
import GRDB

/// One stored row of the audit trail (`audit_event`): an ``AuditEntry`` with its place in the chain.
///
/// `hash` is an HMAC-SHA256, under the store's audit-chain key, of every other column (see
/// ``AuditChainEncoding``); `prevHash` is the `hash` of the event before, so that changing,
/// removing or reordering rows breaks the chain where ``AuditTrail/verify()`` can see it.
///
/// Reading is lenient: a row whose columns were tampered with into values of the wrong type still
/// reads back (with those fields `nil`), so that verification can report it instead of failing.
public struct AuditEvent: Hashable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "audit_event"

    /// The event's position in the chain, from 1, without gaps (until a prune removes a prefix).
    public let seq: Int64
    /// When the event was recorded, to the millisecond.
    public let occurredAt: Date
    /// What was done.
    public let action: AuditAction
    /// How it ended; `nil` only when the stored text is not an outcome (the row was tampered with).
    public let outcome: AuditOutcome?
    /// Who did it.
    public let actor: AuditActor
    /// The patient whose record was touched, if any.
    public let patientID: Int64?
    /// The record acted on (`scan:12`).
    public let subject: String?
    /// A short note: ids and codes only, never protected health information.
    public let detail: String?
    /// Whether the action was done under emergency access.
    public let breakGlass: Bool
    /// The `hash` of the event before, or 64 zeros for the first event ever written.
    public let prevHash: String
    /// This event's HMAC-SHA256, as 64 lowercase hex digits.
    public let hash: String

    /// The columns the hash covers, exactly as stored, in ``AuditChainEncoding/columns`` order.
    let covered: [DatabaseValue]

    /// The stored time text (ISO 8601, UTC, milliseconds).
    var occurredAtText: String { String.fromDatabaseValue(covered[1]) ?? "" }

    /// The event as ``AuditTrail`` writes it.
    init(seq: Int64, occurredAt: String, entry: AuditEntry, prevHash: String, key: SymmetricKey) {
        let covered: [DatabaseValue] = [
            seq.databaseValue, occurredAt.databaseValue,
            entry.actor.userID.databaseValue, entry.actor.role.databaseValue,
            entry.actor.sessionID.databaseValue, entry.action.rawValue.databaseValue,
            entry.outcome.rawValue.databaseValue, entry.patientID.databaseValue,
            entry.subject.databaseValue, entry.detail.databaseValue,
            entry.breakGlass.databaseValue, prevHash.databaseValue,
        ]
        self.init(covered: covered, hash: AuditChainEncoding.mac(covered, key: key))
    }

    public init(row: Row) throws {
        let covered = AuditChainEncoding.columns.map { row[$0] as DatabaseValue }
        self.init(covered: covered, hash: String.fromDatabaseValue(row["hash"]) ?? "")
    }

    private init(covered: [DatabaseValue], hash: String) {
        self.covered = covered
        self.hash = hash
        seq = Int64.fromDatabaseValue(covered[0]) ?? 0
        let text = String.fromDatabaseValue(covered[1]) ?? ""
        occurredAt = AuditTimestamp.parse(text) ?? Date(timeIntervalSince1970: 0)
        actor = AuditActor(userID: Int64.fromDatabaseValue(covered[2]),
                           role: String.fromDatabaseValue(covered[3]),
                           sessionID: String.fromDatabaseValue(covered[4]))
        action = AuditAction(rawValue: String.fromDatabaseValue(covered[5]) ?? "")
        outcome = String.fromDatabaseValue(covered[6]).flatMap(AuditOutcome.init(rawValue:))
        patientID = Int64.fromDatabaseValue(covered[7])
        subject = String.fromDatabaseValue(covered[8])
        detail = String.fromDatabaseValue(covered[9])
        breakGlass = Bool.fromDatabaseValue(covered[10]) ?? false
        prevHash = String.fromDatabaseValue(covered[11]) ?? ""
    }

    public func encode(to container: inout PersistenceContainer) throws {
        for (column, value) in zip(AuditChainEncoding.columns, covered) {
            container[column] = value
        }
        container["hash"] = hash
    }
}

/// A signed record, left by ``AuditTrail/prune(before:actor:)``, of the events it removed: the
/// remaining chain starts after `throughSeq` and links to `throughHash`.
public struct AuditCheckpoint: Hashable, Sendable, FetchableRecord {
    public static let databaseTableName = "audit_checkpoint"

    /// The row id.
    public let id: Int64
    /// The last event removed.
    public let throughSeq: Int64
    /// That event's hash, which the first remaining event's `prevHash` must equal.
    public let throughHash: String
    /// How many events this prune removed.
    public let removedCount: Int64
    /// When the prune ran, as stored (ISO 8601, UTC, milliseconds).
    public let createdAt: String
    /// Ed25519 over ``AuditChainEncoding/checkpoint(throughSeq:throughHash:removedCount:createdAt:)``,
    /// base64.
    public let signature: String

    public init(row: Row) throws {
        id = Int64.fromDatabaseValue(row["id"]) ?? 0
        throughSeq = Int64.fromDatabaseValue(row["through_seq"]) ?? 0
        throughHash = String.fromDatabaseValue(row["through_hash"]) ?? ""
        removedCount = Int64.fromDatabaseValue(row["removed_count"]) ?? 0
        createdAt = String.fromDatabaseValue(row["created_at"]) ?? ""
        signature = String.fromDatabaseValue(row["signature"]) ?? ""
    }

    init(id: Int64, throughSeq: Int64, throughHash: String, removedCount: Int64, createdAt: String, signature: String) {
        self.id = id
        self.throughSeq = throughSeq
        self.throughHash = throughHash
        self.removedCount = removedCount
        self.createdAt = createdAt
        self.signature = signature
    }
}
