import Synchronization

/// A bounded cache of open static files, so that answering for a popular file costs no `open` or
/// `stat`. Each path is revalidated (reopened and restated) at most once per `revalidateAfter`
/// seconds; a replaced file is picked up then. Refusals (404, ...) are not cached.
///
/// Thread-safe; the keys are spread over independently locked shards, and loading happens outside
/// any lock, so threads rarely wait for one another. Each entry holds up to three descriptors (the
/// file and two siblings), so size `capacity` to the process's descriptor limit.
public final class FileMetadataCache: Sendable {
    private struct Slot {
        var entry: StaticFileEntry
        var checkedAt: Double
    }

    private final class Shard: Sendable {
        let slots = Mutex<[String: Slot]>([:])
    }

    private let shards: [Shard]
    private let perShardCapacity: Int
    /// Seconds after which an entry is revalidated.
    public let revalidateAfter: Double

    public init(revalidateAfter: Double = 1, capacity: Int = 1024, shardCount: Int = 16) {
        self.revalidateAfter = revalidateAfter
        shards = (0..<max(1, shardCount)).map { _ in Shard() }
        perShardCapacity = max(1, capacity / max(1, shardCount))
    }

    /// The cached entry for `key` if fresh at `now` (monotonic seconds); otherwise `load()`'s result,
    /// which is cached when it succeeds.
    public func entry(for key: String, now: Double,
                      load: () -> Result<StaticFileEntry, StaticFileRefusal>) -> Result<StaticFileEntry, StaticFileRefusal> {
        let shard = shards[Int(Self.shardHash(key) % UInt32(shards.count))]
        let cached = shard.slots.withLock { slots -> StaticFileEntry? in
            guard let slot = slots[key] else { return nil }
            if now - slot.checkedAt < revalidateAfter { return slot.entry }
            // Stale: this caller revalidates; the others keep using the entry meanwhile.
            slots[key]?.checkedAt = now
            return nil
        }
        if let cached { return .success(cached) }
        let loaded = load()
        shard.slots.withLock { slots in
            guard case .success(let entry) = loaded else {
                slots[key] = nil
                return
            }
            if slots[key] == nil, slots.count >= perShardCapacity, let victim = slots.keys.first {
                slots[victim] = nil
            }
            slots[key] = Slot(entry: entry, checkedAt: now)
        }
        return loaded
    }

    /// FNV-1a of the key's bytes: cheaper than `hashValue`, whose work the dictionary does anyway.
    private static func shardHash(_ key: String) -> UInt32 {
        var key = key
        return key.withUTF8 { bytes in
            var hash: UInt32 = 2_166_136_261
            for byte in bytes { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
            return hash
        }
    }

    /// The number of cached entries.
    public var count: Int { shards.reduce(0) { total, shard in total + shard.slots.withLock { $0.count } } }

    /// Drops every entry (their descriptors close once no response uses them).
    public func removeAll() {
        for shard in shards { shard.slots.withLock { $0.removeAll() } }
    }
}
