import Crypto
import Foundation
import GRDB

/// The byte strings that audit MACs and checkpoint signatures are computed over.
///
/// Every field is length-prefixed and typed, so that no two different rows encode the same:
/// `("ab", "c")` and `("a", "bc")` differ, and so do `NULL`, `''` and `0`. The encoding works on
/// the stored `DatabaseValue`s, so a value changed to another type with `sqlite3` (`'1'` for `1`)
/// no longer verifies.
enum AuditChainEncoding {
    /// The columns an event's hash covers, in the order they are encoded.
    static let columns = [
        "seq", "occurred_at", "actor_user_id", "actor_role", "session_id", "action", "outcome",
        "patient_id", "subject", "detail", "break_glass", "prev_hash",
    ]

    /// The `prev_hash` of the first event ever written.
    static let genesisHash = String(repeating: "0", count: 64)

    /// The HMAC-SHA256 of an event's covered columns, as lowercase hex.
    static func mac(_ covered: [DatabaseValue], key: SymmetricKey) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: event(covered), using: key)
        return hex(code)
    }

    static func event(_ covered: [DatabaseValue]) -> Data {
        var data = Data("csss audit event v1".utf8)
        for value in covered { append(value, to: &data) }
        return data
    }

    /// What a checkpoint's Ed25519 signature covers.
    static func checkpoint(throughSeq: Int64, throughHash: String, removedCount: Int64, createdAt: String) -> Data {
        var data = Data("csss audit checkpoint v1".utf8)
        for value in [throughSeq.databaseValue, throughHash.databaseValue, removedCount.databaseValue, createdAt.databaseValue] {
            append(value, to: &data)
        }
        return data
    }

    /// A type tag, then for anything but `NULL` a big-endian 8-byte length and the bytes.
    private static func append(_ value: DatabaseValue, to data: inout Data) {
        let (tag, bytes): (UInt8, Data)
        switch value.storage {
        case .null: data.append(0); return
        case .int64(let integer): (tag, bytes) = (1, Data(String(integer).utf8))
        case .double(let double): (tag, bytes) = (2, Data(String(double).utf8))
        case .string(let string): (tag, bytes) = (3, Data(string.utf8))
        case .blob(let blob): (tag, bytes) = (4, blob)
        }
        data.append(tag)
        withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { data.append(contentsOf: $0) }
        data.append(bytes)
    }

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func hex(_ code: HashedAuthenticationCode<SHA256>) -> String {
        hex(Array(code))
    }
}

/// Audit times as text: ISO 8601 in UTC with milliseconds (`2025-03-01T09:30:05.123Z`).
///
/// Fixed width, so that text order is time order and date ranges are plain SQL comparisons.
enum AuditTimestamp {
    static func format(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = time_t(milliseconds.quotientAndRemainder(dividingBy: 1000).quotient)
        var remainder = milliseconds % 1000
        if remainder < 0 { remainder += 1000; seconds -= 1 }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func padded(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return padded(parts.tm_year + 1900, 4) + "-" + padded(parts.tm_mon + 1, 2) + "-" + padded(parts.tm_mday, 2)
            + "T" + padded(parts.tm_hour, 2) + ":" + padded(parts.tm_min, 2) + ":" + padded(parts.tm_sec, 2)
            + "." + padded(Int32(remainder), 3) + "Z"
    }

    static func parse(_ text: String) -> Date? {
        let digits = Array(text.utf8)
        guard digits.count == 24, digits[4] == UInt8(ascii: "-"), digits[10] == UInt8(ascii: "T"),
              digits[19] == UInt8(ascii: "."), digits[23] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: digits[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              let millisecond = number(20..<23) else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        return Date(timeIntervalSince1970: TimeInterval(seconds) + TimeInterval(millisecond) / 1000)
    }
}
