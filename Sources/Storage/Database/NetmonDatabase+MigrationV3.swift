internal import GRDB

extension NetmonDatabase {
    /// The width of the time buckets of the `flows_raw` index (10 minutes, in milliseconds). It is
    /// written literally in the v3 index and must match it: queries and retention repeat the expression.
    static let flowBucketMilliseconds: Int64 = 600_000

    /// Schema v3, for flow collection:
    ///
    /// - `flows_raw`: every flow record as exported, kept for `flow_storage.raw_retention`. A rowid
    ///   table (append order). Addresses are BLOBs of 4 or 16 network-order bytes: half the size of
    ///   the text form or less, and byte order is numeric order, so a CIDR prefix is a range
    ///   (`length(a) = 4 AND a BETWEEN lo AND hi`) rather than a string function per row. The index
    ///   starts with a 10-minute bucket of `last_ms` (as `samples` does, see docs/BENCHMARKS.md), then
    ///   the exporter: a transaction touches a few recent pages per exporter instead of pages all
    ///   over the index, and range reads and retention seek by bucket.
    /// - `flows_minute`: per-minute aggregates (`minute` is the epoch ms of the minute's start) keyed
    ///   by exporter, interfaces, direction, addresses, ports and protocol, with packets and bytes
    ///   scaled by sampling and the flow count. Per minute and exporter only the top keys by bytes
    ///   are kept; the rest is summed into "other" rows whose `src_addr` is NULL (and `dst_addr`,
    ///   ports and protocol too): one per interface pair and direction, or, beyond the top-key
    ///   count of those, one with NULL interfaces and direction as well. Totals stay exact. A minute
    ///   may have several row sets for one exporter (records arriving after it closed): readers sum.
    /// - Directions are 'ingress', 'egress' or NULL (unknown); times are UTC epoch milliseconds.
    static func migrateV3(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE flows_raw (
                    exporter TEXT NOT NULL,
                    observation_domain INTEGER NOT NULL,
                    origin TEXT NOT NULL,
                    ip_version INTEGER NOT NULL,
                    src_addr BLOB NOT NULL,
                    dst_addr BLOB NOT NULL,
                    src_port INTEGER NOT NULL,
                    dst_port INTEGER NOT NULL,
                    protocol INTEGER NOT NULL,
                    tcp_flags INTEGER NOT NULL,
                    packets INTEGER NOT NULL,
                    bytes INTEGER NOT NULL,
                    sampling_rate INTEGER NOT NULL,
                    first_ms INTEGER NOT NULL,
                    last_ms INTEGER NOT NULL,
                    input_if INTEGER NOT NULL,
                    output_if INTEGER NOT NULL,
                    direction TEXT,
                    src_as INTEGER NOT NULL,
                    dst_as INTEGER NOT NULL,
                    vlan INTEGER
                );
                CREATE INDEX flows_raw_by_bucket_exporter ON flows_raw (last_ms / 600000, exporter, last_ms);

                CREATE TABLE flows_minute (
                    minute INTEGER NOT NULL,
                    exporter TEXT NOT NULL,
                    input_if INTEGER,
                    output_if INTEGER,
                    direction TEXT,
                    src_addr BLOB,
                    dst_addr BLOB,
                    src_port INTEGER,
                    dst_port INTEGER,
                    protocol INTEGER,
                    packets INTEGER NOT NULL,
                    bytes INTEGER NOT NULL,
                    flows INTEGER NOT NULL
                );
                CREATE INDEX flows_minute_by_minute_exporter ON flows_minute (minute, exporter);
                """
        )
    }
}
