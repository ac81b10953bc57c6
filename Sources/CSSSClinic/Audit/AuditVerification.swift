import Crypto
import Foundation
import GRDB

/// What ``AuditTrail/verify()`` found.
public struct AuditVerification: Hashable, Sendable {
    /// Whether no problem was found.
    public var isIntact: Bool { problems.isEmpty }
    /// How many rows `audit_event` holds.
    public let eventCount: Int
    /// The lowest and highest seq in the table, `nil` when it is empty.
    public let firstSeq: Int64?
    public let lastSeq: Int64?
    /// Every problem, in seq order.
    public let problems: [AuditProblem]
    /// The newest checkpoint, which the remaining events start after; `nil` if never pruned.
    public let checkpoint: AuditCheckpoint?
    /// The head recorded in `audit.head`, `nil` when there is none.
    public let head: AuditHead?
}

/// One way the audit trail differs from what CSSS wrote.
public enum AuditProblem: Hashable, Sendable, CustomStringConvertible {
    /// The event's columns no longer match its MAC, but its hash still chains with both
    /// neighbours (for the newest event: matches `audit.head`), so it is a genuine event edited.
    case changed(seq: Int64)
    /// These events are gone from the middle (or the start) of the trail.
    case missing(ClosedRange<Int64>)
    /// A row whose MAC does not verify and that does not link to its neighbours: inserted, or
    /// replaced wholesale.
    case forged(seq: Int64)
    /// The event written as `seq` now sits at `position` (rows were renumbered or swapped).
    case reordered(seq: Int64, position: Int64)
    /// The event verifies but does not follow the one before it.
    case unlinked(seq: Int64)
    /// The first remaining event does not link to the newest checkpoint.
    case checkpointUnlinked(seq: Int64, throughSeq: Int64)
    /// A checkpoint's Ed25519 signature does not verify.
    case checkpointSignatureInvalid(throughSeq: Int64)
    /// Events recorded in `audit.head` as committed are gone from the end of the trail.
    case truncated(ClosedRange<Int64>)
    /// The event at the recorded head's seq is not the one that was committed there.
    case headMismatch(seq: Int64)

    /// The seq the problem is about, for sorting.
    var seq: Int64 {
        switch self {
        case .changed(let seq), .forged(let seq), .unlinked(let seq), .headMismatch(let seq): seq
        case .missing(let range), .truncated(let range): range.lowerBound
        case .reordered(_, let position): position
        case .checkpointUnlinked(let seq, _): seq
        case .checkpointSignatureInvalid(let seq): seq
        }
    }

    public var description: String {
        switch self {
        case .changed(let seq): "event \(seq) was changed after it was written"
        case .missing(let range): "\(Self.events(range)) missing (deleted)"
        case .forged(let seq): "event \(seq) was not written by CSSS (inserted or replaced): its MAC does not verify and it does not link to its neighbours"
        case .reordered(let seq, let position): "event \(seq) appears at position \(position) (events were reordered)"
        case .unlinked(let seq): "event \(seq) does not link to the event before it"
        case .checkpointUnlinked(let seq, let through): "event \(seq) does not link to the checkpoint through event \(through)"
        case .checkpointSignatureInvalid(let through): "the checkpoint through event \(through) has an invalid signature"
        case .truncated(let range): "\(Self.events(range)) removed from the end of the trail"
        case .headMismatch(let seq): "event \(seq) is not the event recorded in audit.head: the end of the trail was rewritten"
        }
    }

    private static func events(_ range: ClosedRange<Int64>) -> String {
        range.count == 1 ? "event \(range.lowerBound) is" : "events \(range.lowerBound)…\(range.upperBound) are"
    }
}

extension AuditTrail {
    /// Walks the whole trail in seq order and reports every problem with the seq it concerns (see
    /// ``AuditTrail`` for what can and cannot be detected).
    ///
    /// - Complexity: O(n) in the number of events; they are all read into memory.
    public func verify() throws -> AuditVerification {
        // The head is read before the snapshot: it only moves after a commit, so it can never be
        // ahead of what the snapshot holds unless events were really removed.
        let head = anchor.read()
        return try store.read { db in try verify(in: db, head: head) }
    }

    func verify(in db: Database, head: AuditHead?) throws -> AuditVerification {
        let events = try AuditEvent.fetchAll(db, sql: "SELECT * FROM audit_event ORDER BY seq")
        let checkpoints = try AuditCheckpoint.fetchAll(db, sql: "SELECT * FROM audit_checkpoint ORDER BY id")
        var chain = AuditChainCheck(key: store.keys.auditChain,
                                    signer: store.keys.auditCheckpointSigning.publicKey)
        let problems = chain.check(events: events, checkpoints: checkpoints, head: head)
        return AuditVerification(eventCount: events.count, firstSeq: events.first?.seq, lastSeq: events.last?.seq,
                                 problems: problems, checkpoint: chain.latest, head: head)
    }
}

/// The verification walk itself, apart from the database so that it reads as one algorithm.
struct AuditChainCheck {
    let key: SymmetricKey
    let signer: Curve25519.Signing.PublicKey
    private(set) var latest: AuditCheckpoint?

    init(key: SymmetricKey, signer: Curve25519.Signing.PublicKey) {
        self.key = key
        self.signer = signer
    }

    mutating func check(events: [AuditEvent], checkpoints: [AuditCheckpoint], head: AuditHead?) -> [AuditProblem] {
        var problems: [AuditProblem] = []
        for checkpoint in checkpoints where !isSigned(checkpoint) {
            problems.append(.checkpointSignatureInvalid(throughSeq: checkpoint.throughSeq))
        }
        latest = checkpoints.max { ($0.throughSeq, $0.id) < ($1.throughSeq, $1.id) }
        let start = (latest?.throughSeq ?? 0) + 1
        let originals = events.map { originalSeq(of: $0, among: events) }

        // Walk by position: each row should verify at its own seq and link to the row before.
        var expectedSeq = start
        var expectedHash = latest?.throughHash ?? AuditChainEncoding.genesisHash
        var previousFlagged = false
        var genuine: Set<Int64> = []  // seqs of events CSSS wrote that are still present somewhere
        for (index, event) in events.enumerated() {
            let links = event.prevHash == expectedHash
            let gap = event.seq != expectedSeq
            // The newest row has no successor to vouch for its hash; only the recorded head can.
            let nextLinks = index + 1 < events.count
                ? events[index + 1].prevHash == event.hash
                : head == AuditHead(seq: event.seq, hash: event.hash)
            var flagged = false
            if let original = originals[index] {
                genuine.insert(original)
                if original != event.seq {
                    problems.append(.reordered(seq: original, position: event.seq))
                    flagged = true
                } else if !links, !gap, !previousFlagged {
                    if index == 0, let latest {
                        problems.append(.checkpointUnlinked(seq: event.seq, throughSeq: latest.throughSeq))
                    } else {
                        problems.append(.unlinked(seq: event.seq))
                    }
                }
            } else if (links || gap) && nextLinks {
                // The hash column still chains with both neighbours: only the content was edited.
                genuine.insert(event.seq)
                problems.append(.changed(seq: event.seq))
            } else {
                problems.append(.forged(seq: event.seq))
                flagged = true
            }
            expectedSeq = event.seq + 1
            expectedHash = event.hash
            previousFlagged = flagged
        }

        let lastGenuine = genuine.max() ?? (start - 1)
        problems += missingRanges(from: start, through: lastGenuine, present: genuine).map(AuditProblem.missing)
        if let head, head.seq >= start {
            if head.seq > lastGenuine {
                problems.append(.truncated((lastGenuine + 1)...head.seq))
            } else if let event = events.first(where: { $0.seq == head.seq }), event.hash != head.hash {
                problems.append(.headMismatch(seq: head.seq))
            }
        }
        return problems.enumerated()
            .sorted { ($0.element.seq, $0.offset) < ($1.element.seq, $1.offset) }
            .map(\.element)
    }

    /// The seq `event` was written under: its own when its MAC verifies there, else one nearby
    /// (after the event whose hash it names, before the one that names it, or within a few places)
    /// under which it does; `nil` when it verifies under none.
    private func originalSeq(of event: AuditEvent, among events: [AuditEvent]) -> Int64? {
        if verifies(event, as: event.seq) { return event.seq }
        var candidates: [Int64] = []
        if event.prevHash == AuditChainEncoding.genesisHash { candidates.append(1) }
        if let latest, latest.throughHash == event.prevHash { candidates.append(latest.throughSeq + 1) }
        if let before = events.first(where: { $0.hash == event.prevHash }) { candidates.append(before.seq + 1) }
        if let after = events.first(where: { $0.prevHash == event.hash }) { candidates.append(after.seq - 1) }
        candidates += (max(1, event.seq - 8)...(event.seq + 8))
        return candidates.first { $0 != event.seq && $0 > 0 && verifies(event, as: $0) }
    }

    private func verifies(_ event: AuditEvent, as seq: Int64) -> Bool {
        var covered = event.covered
        covered[0] = seq.databaseValue
        return AuditChainEncoding.mac(covered, key: key) == event.hash
    }

    private func isSigned(_ checkpoint: AuditCheckpoint) -> Bool {
        guard let signature = Data(base64Encoded: checkpoint.signature) else { return false }
        let payload = AuditChainEncoding.checkpoint(throughSeq: checkpoint.throughSeq, throughHash: checkpoint.throughHash,
                                                    removedCount: checkpoint.removedCount, createdAt: checkpoint.createdAt)
        return signer.isValidSignature(signature, for: payload)
    }

    private func missingRanges(from start: Int64, through end: Int64, present: Set<Int64>) -> [ClosedRange<Int64>] {
        guard start <= end else { return [] }
        var ranges: [ClosedRange<Int64>] = []
        var runStart: Int64?
        for seq in start...end {
            if present.contains(seq) {
                if let first = runStart { ranges.append(first...(seq - 1)); runStart = nil }
            } else if runStart == nil {
                runStart = seq
            }
        }
        if let first = runStart { ranges.append(first...end) }
        return ranges
    }
}
