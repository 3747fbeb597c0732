internal import GRDB

extension NetmonDatabase {
    /// Schema v9, chunk sets: several series of one UTC day compressed together.
    ///
    /// `sample_chunk_sets` holds chunks of format version 3 (``SampleChunkSetCodec``): an
    /// interface's series share one timestamp column and its utilizations are stored as derived
    /// from its rates. Each member keeps its `sample_chunks` row (series, first and last time,
    /// count), with an empty `data`, the set's id in `set_id` and its index in the set in
    /// `set_member`; a row with no `set_id` holds a chunk of its own as before. A set is deleted with
    /// the last row that refers to it (``SampleChunkStore``).
    static func migrateV9(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE sample_chunk_sets (
                    id INTEGER PRIMARY KEY,
                    data BLOB NOT NULL
                );
                ALTER TABLE sample_chunks ADD COLUMN set_id INTEGER;
                ALTER TABLE sample_chunks ADD COLUMN set_member INTEGER;
                CREATE INDEX sample_chunks_by_set ON sample_chunks (set_id) WHERE set_id IS NOT NULL;
                """
        )
    }
}
