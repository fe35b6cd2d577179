import CSystemd
import Glibc

/// Structured journal records: which fields an event becomes, and how they are handed to `sd_journal_sendv`.
public enum JournalRecord {
    /// The `FIELD=value` strings of an event: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, then the event's fields.
    public static func fields(level: LogLevel, identifier: String, message: String,
                              fields: [String: String]) -> [String] {
        var result = ["MESSAGE=\(message)", "PRIORITY=\(level.syslogPriority)", "SYSLOG_IDENTIFIER=\(identifier)"]
        let reserved: Set<String> = ["MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER"]
        for key in fields.keys.sorted() {
            let name = fieldName(key)
            if reserved.contains(name) { continue }
            result.append("\(name)=\(fields[key] ?? "")")
        }
        return result
    }

    /// A journal field name from an event key: uppercased, characters other than A-Z, 0-9 and '_' become '_',
    /// and a leading '_' or digit (reserved for trusted fields) gets an "F" in front: "request-id" -> "REQUEST_ID".
    public static func fieldName(_ key: String) -> String {
        var name = String(key.uppercased().unicodeScalars.map { scalar -> Character in
            let isAllowed = ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
            return isAllowed ? Character(scalar) : "_"
        })
        if name.isEmpty { name = "FIELD" }
        if let first = name.unicodeScalars.first, first == "_" || ("0"..."9").contains(first) { name = "F" + name }
        return name
    }

    /// Calls `body` with an iovec array pointing at the UTF-8 bytes of `fields` (valid only inside `body`).
    public static func withIOVecs<R>(_ fields: [String], _ body: (UnsafeBufferPointer<iovec>) -> R) -> R {
        let storage = fields.map { Array($0.utf8) }
        let total = storage.reduce(0) { $0 + $1.count }
        var joined = [UInt8]()
        joined.reserveCapacity(total)
        for bytes in storage { joined.append(contentsOf: bytes) }
        return joined.withUnsafeMutableBytes { raw -> R in
            var vectors: [iovec] = []
            vectors.reserveCapacity(storage.count)
            var offset = 0
            for bytes in storage {
                vectors.append(iovec(iov_base: raw.baseAddress.map { $0 + offset }, iov_len: bytes.count))
                offset += bytes.count
            }
            return vectors.withUnsafeBufferPointer(body)
        }
    }

    /// Sends one record to journald; returns false if it could not be delivered.
    public static func send(_ fields: [String]) -> Bool {
        withIOVecs(fields) { vectors in
            sd_journal_sendv(vectors.baseAddress, Int32(vectors.count)) >= 0
        }
    }
}

/// Whether stderr is connected to the journal: systemd sets `JOURNAL_STREAM=<device>:<inode>` of that stream.
public enum JournalStream {
    /// True if `value` ("device:inode", decimal) names the same file as `descriptor` according to fstat(2).
    public static func matches(_ value: String?, descriptor: Int32) -> Bool {
        guard let value else { return false }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return false }
        return matches(value, device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// The decision itself: `value` parses as "device:inode" and both numbers are equal.
    public static func matches(_ value: String, device: UInt64, inode: UInt64) -> Bool {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let parsedDevice = UInt64(parts[0]), let parsedInode = UInt64(parts[1]) else {
            return false
        }
        return parsedDevice == device && parsedInode == inode
    }

    /// True if this process's stderr is the journal stream named in `environment`.
    public static func stderrIsJournal(environment: [String: String] = ProcessEnvironment.current) -> Bool {
        matches(environment["JOURNAL_STREAM"], descriptor: STDERR_FILENO)
    }
}
