import GRDB

/// The database's tables, built by numbered migrations so that an old data directory is brought
/// forward in place and a newer one is never opened by an older CSSS.
///
/// Columns that hold protected health information are `BLOB`s of ``FieldCipher`` ciphertext; the
/// ones named `*_index` hold a ``BlindIndex`` so that exact lookups need no decryption.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: records, security and audit") { db in
            try createPeople(db)
            try createImaging(db)
            try createReporting(db)
            try createSecurity(db)
        }
        migrator.registerMigration("v2: explained predictions and sealed report versions") { db in
            try db.alter(table: "prediction") { t in
                t.add(column: "low_confidence", .boolean).notNull().defaults(to: false)
                t.add(column: "threshold", .double)
                t.add(column: "explained_layer", .text)
                t.add(column: "attention_regions_json", .text)
            }
            try db.alter(table: "report_version") { t in
                t.add(column: "amends_version", .integer)
                t.add(column: "sha256", .text)
                t.add(column: "seal_code", .text)
                // The patient's PDF password, kept (encrypted) for the delivery that hands it over.
                t.add(column: "password_cipher", .blob)
            }
        }
        migrator.registerMigration("v3: the delivery outbox") { db in
            try db.alter(table: "delivery") { t in
                t.add(column: "patient_id", .integer).references("patient", onDelete: .restrict)
                t.add(column: "requested_by", .integer).references("user", onDelete: .restrict)
                t.add(column: "recipient_cipher", .blob)
                // While a sender holds a delivery in "sending"; a sender that died lets it lapse.
                t.add(column: "lease_until", .datetime)
                t.add(column: "sent_at", .datetime)
                // The receiver's name for the message: the email's Message-ID, Twilio's message SID.
                t.add(column: "provider_reference", .text)
            }
            try db.create(index: "delivery_due", on: "delivery", columns: ["state", "next_attempt_at"])
        }
        migrator.registerMigration("v4: demo models") { db in
            try db.alter(table: "prediction") { t in
                t.add(column: "demo_model", .boolean).notNull().defaults(to: false)
            }
        }
        return migrator
    }

    private static func createPeople(_ db: Database) throws {
        try db.create(table: "patient") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("mrn_cipher", .blob).notNull()
            t.column("mrn_index", .blob).notNull().unique()
            t.column("name_cipher", .blob).notNull()
            t.column("birth_date_cipher", .blob)
            t.column("sex_cipher", .blob)
            t.column("email_cipher", .blob)
            t.column("email_index", .blob).indexed()
            t.column("phone_cipher", .blob)
            t.column("phone_index", .blob).indexed()
            // A restricted record (a colleague, a public figure) opens for doctors only through
            // break-glass, which is flagged in the audit trail.
            t.column("restricted", .boolean).notNull().defaults(to: false)
            t.column("created_at", .datetime).notNull()
            t.column("created_by", .integer)
        }
        try db.create(table: "user") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("username", .text).notNull().unique(onConflict: .abort).collate(.nocase)
            t.column("role", .text).notNull().check { ["admin", "doctor", "patient"].contains($0) }
            t.column("display_name_cipher", .blob)
            t.column("patient_id", .integer).references("patient", onDelete: .restrict)
            t.column("password_hash", .text).notNull()
            t.column("must_change_password", .boolean).notNull().defaults(to: false)
            t.column("password_changed_at", .datetime).notNull()
            t.column("enabled", .boolean).notNull().defaults(to: true)
            t.column("failed_logins", .integer).notNull().defaults(to: 0)
            t.column("locked_until", .datetime)
            t.column("totp_secret_cipher", .blob)
            t.column("totp_pending_secret_cipher", .blob)
            t.column("totp_last_step", .integer)
            t.column("created_at", .datetime).notNull()
        }
        try db.create(table: "recovery_code") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("user_id", .integer).notNull().references("user", onDelete: .cascade).indexed()
            t.column("code_digest", .text).notNull()
            t.column("used_at", .datetime)
        }
    }

    private static func createImaging(_ db: Database) throws {
        try db.create(table: "scan") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("patient_id", .integer).notNull().references("patient", onDelete: .restrict).indexed()
            t.column("blob_id", .text).notNull()
            t.column("content_index", .blob).notNull().indexed()
            t.column("duplicate_of", .integer).references("scan", onDelete: .restrict)
            t.column("format", .text).notNull()
            t.column("modality", .text)
            t.column("body_part", .text)
            t.column("width", .integer).notNull()
            t.column("height", .integer).notNull()
            t.column("byte_count", .integer).notNull()
            t.column("original_name_cipher", .blob).notNull()
            t.column("sha256_cipher", .blob).notNull()
            t.column("imported_at", .datetime).notNull()
            t.column("imported_by", .integer).notNull().references("user", onDelete: .restrict)
        }
        try db.create(table: "quarantine") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("patient_id", .integer).references("patient", onDelete: .restrict)
            t.column("blob_id", .text).notNull()
            t.column("reason", .text).notNull()
            t.column("original_name_cipher", .blob).notNull()
            t.column("byte_count", .integer).notNull()
            t.column("quarantined_at", .datetime).notNull()
            t.column("quarantined_by", .integer).notNull().references("user", onDelete: .restrict)
        }
        try db.create(table: "prediction") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("scan_id", .integer).notNull().references("scan", onDelete: .restrict).indexed()
            t.column("model_name", .text).notNull()
            t.column("model_sha256", .text).notNull()
            t.column("label", .text).notNull()
            t.column("confidence", .double).notNull()
            t.column("probabilities_json", .text).notNull()
            t.column("heatmap_blob_id", .text)
            t.column("created_at", .datetime).notNull()
            t.column("created_by", .integer).notNull().references("user", onDelete: .restrict)
        }
    }

    private static func createReporting(_ db: Database) throws {
        try db.create(table: "report") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("patient_id", .integer).notNull().references("patient", onDelete: .restrict).indexed()
            t.column("scan_id", .integer).notNull().references("scan", onDelete: .restrict)
            t.column("created_at", .datetime).notNull()
            t.column("created_by", .integer).notNull().references("user", onDelete: .restrict)
        }
        try db.create(table: "report_version") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("report_id", .integer).notNull().references("report", onDelete: .restrict)
            t.column("version", .integer).notNull()
            t.column("prediction_id", .integer).references("prediction", onDelete: .restrict)
            t.column("blob_id", .text).notNull()
            t.column("remarks_cipher", .blob)
            t.column("seal", .text)
            t.column("created_at", .datetime).notNull()
            t.column("created_by", .integer).notNull().references("user", onDelete: .restrict)
            t.uniqueKey(["report_id", "version"])
        }
        try db.create(table: "delivery") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("report_version_id", .integer).notNull().references("report_version", onDelete: .restrict)
            t.column("channel", .text).notNull().check { ["email", "whatsapp"].contains($0) }
            t.column("state", .text).notNull()
            t.column("idempotency_key", .text).notNull().unique()
            t.column("attempts", .integer).notNull().defaults(to: 0)
            t.column("last_error", .text)
            t.column("next_attempt_at", .datetime)
            t.column("created_at", .datetime).notNull()
            t.column("updated_at", .datetime).notNull()
        }
    }

    private static func createSecurity(_ db: Database) throws {
        try db.create(table: "session") { t in
            t.primaryKey("id", .text)
            t.column("user_id", .integer).notNull().references("user", onDelete: .cascade).indexed()
            t.column("kind", .text).notNull()
            t.column("created_at", .datetime).notNull()
            t.column("last_seen_at", .datetime).notNull()
            t.column("expires_at", .datetime).notNull()
            t.column("revoked_at", .datetime)
            t.column("revoked_reason", .text)
        }
        try db.create(table: "break_glass") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("user_id", .integer).notNull().references("user", onDelete: .restrict)
            t.column("patient_id", .integer).notNull().references("patient", onDelete: .restrict)
            t.column("reason_cipher", .blob).notNull()
            t.column("granted_at", .datetime).notNull()
            t.column("expires_at", .datetime).notNull()
        }
        // The audit trail: append-only, each event's hash covers the one before (see AuditChain).
        try db.create(table: "audit_event") { t in
            t.primaryKey("seq", .integer)
            t.column("occurred_at", .text).notNull()
            t.column("actor_user_id", .integer)
            t.column("actor_role", .text)
            t.column("session_id", .text)
            t.column("action", .text).notNull()
            t.column("outcome", .text).notNull()
            t.column("patient_id", .integer)
            t.column("subject", .text)
            t.column("detail", .text)
            t.column("break_glass", .boolean).notNull().defaults(to: false)
            t.column("prev_hash", .text).notNull()
            t.column("hash", .text).notNull()
        }
        try db.create(table: "audit_checkpoint") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("through_seq", .integer).notNull()
            t.column("through_hash", .text).notNull()
            t.column("removed_count", .integer).notNull()
            t.column("created_at", .text).notNull()
            t.column("signature", .text).notNull()
        }
        try db.create(table: "setting") { t in
            t.primaryKey("key", .text)
            t.column("value", .text).notNull()
        }
    }
}
