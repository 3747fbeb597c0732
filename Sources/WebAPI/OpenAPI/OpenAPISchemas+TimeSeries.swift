extension OpenAPISchemas {
    /// The schemas of series answers, reports and custom metric ingestion.
    static var timeSeries: [(String, JSONValue)] {
        let nullableNumber = number(nullable: true)
        let stats = object([
            ("min", nullableNumber), ("avg", nullableNumber), ("max", nullableNumber), ("p95", nullableNumber),
        ])
        let aggregations = ["min", "max", "avg", "sum", "count", "p95", "p99"]
        return [
            (
                "SeriesSet",
                object([
                    ("from", integer()), ("to", integer()), ("step", integer()),
                    ("resolution", enumeration(["raw", "5m", "1h", "1d"])),
                    ("aggregations", array(enumeration(aggregations))),
                    (
                        "series",
                        array(
                            object([
                                ("id", integer()), ("name", string()), ("unit", string()),
                                // [timestamp_ms, one value per aggregation (null where unknown)]
                                ("points", array(array(nullableNumber))),
                                ("stats", stats),
                            ])
                        )
                    ),
                ])
            ),
            (
                "BillingReport",
                object([
                    ("subject", string()), ("from", integer()), ("to", integer()),
                    ("method", enumeration(["in", "out", "max", "sum"])), ("slots_in_period", integer()),
                    ("slots_billed", integer()), ("missing_samples", integer()), ("billed_bps", nullableNumber),
                    ("in_p95_bps", nullableNumber), ("out_p95_bps", nullableNumber), ("max_p95_bps", nullableNumber),
                    ("sum_p95_bps", nullableNumber), ("in_bytes", number()), ("out_bytes", number()),
                    ("total_bytes", number()),
                    (
                        "ports",
                        array(
                            object([
                                ("interface_id", integer()), ("name", string()), ("missing_in", integer()),
                                ("missing_out", integer()), ("in_p95_bps", nullableNumber),
                                ("out_p95_bps", nullableNumber), ("in_bytes", number()), ("out_bytes", number()),
                            ])
                        )
                    ),
                ])
            ),
            (
                "CapacityForecasts",
                object([
                    (
                        "items",
                        array(
                            object([
                                ("interface_id", integer()), ("name", string()), ("threshold_percent", number()),
                                ("slope_percent_per_day", nullableNumber), ("fitted_latest_percent", nullableNumber),
                                ("days_until_threshold", nullableNumber),
                                ("days", array(object([("day", integer()), ("p95_percent", number())]))),
                            ])
                        )
                    )
                ])
            ),
            (
                "IngestRequest",
                object([
                    (
                        "series",
                        .object([
                            ("type", .string("array")), ("minItems", .int(1)), ("maxItems", .int(100)),
                            (
                                "items",
                                object(
                                    [
                                        ("device_id", integer()), ("interface_id", integer(nullable: true)),
                                        (
                                            "metric",
                                            string(nullable: false, [("pattern", .string("^custom_[a-z0-9_]{1,57}$"))])
                                        ),
                                        ("instance", string(nullable: false, [("maxLength", .int(64))])),
                                        ("unit", string(nullable: false, [("maxLength", .int(16))])),
                                        ("kind", enumeration(["gauge", "counter", "rate"])),
                                        (
                                            "samples",
                                            .object([
                                                ("type", .string("array")), ("minItems", .int(1)),
                                                ("maxItems", .int(10_000)),
                                                (
                                                    "items",
                                                    .object([
                                                        ("type", .string("array")), ("minItems", .int(2)),
                                                        ("maxItems", .int(2)), ("items", number()),
                                                    ])
                                                ),
                                            ])
                                        ),
                                    ],
                                    required: ["device_id", "metric", "samples"]
                                )
                            ),
                        ])
                    )
                ])
            ),
            (
                "IngestResult",
                object([
                    ("accepted", integer()),
                    (
                        "series",
                        array(
                            object([
                                ("id", integer()), ("device_id", integer()), ("interface_id", integer(nullable: true)),
                                ("metric", string()), ("instance", string()),
                            ])
                        )
                    ),
                ])
            ),
        ]
    }
}
