#if canImport(NetmonCore)
import NetmonCore
#endif

/// What the NetFlow v9 and IPFIX decoders share while walking one datagram.
package struct TemplateDecodingContext {
    package var origin: FlowOrigin
    package var exporter: IPAddress
    package var version: UInt16
    package var observationDomain: UInt32
    package var exportTime: Int64
    package var systemUptime: UInt32?
    /// NetFlow v9 options scope fields use their own type space (1 system, 2 interface, ...), so they
    /// are skipped rather than read as information elements.
    package var skipsScopeFields: Bool
    package var now: Int64

    package func key(templateID: UInt16) -> FlowTemplateKey {
        FlowTemplateKey(
            exporter: self.exporter,
            version: self.version,
            observationDomain: self.observationDomain,
            templateID: templateID
        )
    }
}

/// Decoding of data sets against a cached template, shared by NetFlow v9 and IPFIX.
package enum TemplateDataDecoding {
    /// Decodes the data set in `set` (its header already read) into `datagram`, or counts a template
    /// miss when the template is unknown or expired. Options records update `templates`' sampling and
    /// system-init tables.
    package static func decodeDataSet(
        _ set: inout ByteReader,
        templateID: UInt16,
        context: TemplateDecodingContext,
        templates: inout FlowTemplateCache,
        into datagram: inout FlowDatagram
    ) throws(FlowDecodingError) {
        guard let template = templates.template(for: context.key(templateID: templateID), now: context.now) else {
            datagram.stats.templateMisses += 1
            datagram.stats.templateMissBytes += set.remaining
            return
        }
        let minimum = template.minimumRecordLength
        guard minimum > 0 else { throw .invalidTemplate(offset: set.offset, templateID: templateID) }
        // Whatever is left that is shorter than one record is padding (RFC 3954 section 5.3, RFC 7011 3.3.1).
        while set.remaining >= minimum {
            let record = try self.decodeRecord(&set, template: template, context: context)
            if template.isOptions {
                self.applyOptions(record, context: context, templates: &templates)
                datagram.stats.optionsRecords += 1
            } else {
                datagram.records.append(self.finishFlow(record, context: context, templates: templates))
                datagram.stats.dataRecords += 1
            }
        }
    }

    private static func decodeRecord(
        _ set: inout ByteReader,
        template: FlowTemplate,
        context: TemplateDecodingContext
    ) throws(FlowDecodingError) -> FlowFieldAccumulator {
        var fields = FlowFieldAccumulator(
            origin: context.origin,
            exporter: context.exporter,
            observationDomain: context.observationDomain
        )
        for (index, field) in template.fields.enumerated() {
            var length = Int(field.length)
            if field.isVariableLength {
                length = Int(try set.readUInt8())
                if length == 255 { length = Int(try set.readUInt16()) }
            }
            guard length <= set.remaining else { throw .truncated(offset: set.offset, needed: length) }
            if context.skipsScopeFields && index < template.scopeFieldCount {
                try set.skip(length)
                continue
            }
            try fields.apply(
                elementID: field.elementID,
                enterpriseNumber: field.enterpriseNumber,
                reader: &set,
                length: length
            )
        }
        return fields
    }

    private static func applyOptions(
        _ fields: FlowFieldAccumulator,
        context: TemplateDecodingContext,
        templates: inout FlowTemplateCache
    ) {
        if let rate = fields.announcedSamplingRate {
            let sampler = FlowTemplateCache.SamplerKey(
                version: context.version,
                observationDomain: context.observationDomain,
                samplerID: fields.samplerID
            )
            templates.setSamplingRate(rate, exporter: context.exporter, sampler: sampler, now: context.now)
        }
        if let initTime = fields.systemInitTime {
            templates.setSystemInitTime(
                initTime,
                exporter: context.exporter,
                observationDomain: context.observationDomain,
                now: context.now
            )
        }
    }

    private static func finishFlow(
        _ fields: FlowFieldAccumulator,
        context: TemplateDecodingContext,
        templates: FlowTemplateCache
    ) -> FlowRecord {
        let initTime = templates.systemInitTime(
            exporter: context.exporter,
            observationDomain: context.observationDomain
        )
        var record = fields.finish(
            exportTime: context.exportTime,
            systemUptime: context.systemUptime,
            systemInitTime: initTime
        )
        if let rate = fields.announcedSamplingRate {
            record.samplingRate = rate
            record.samplingSource = .flowRecord
        } else if let rate = templates.samplingRate(
            exporter: context.exporter,
            sampler: .init(
                version: context.version,
                observationDomain: context.observationDomain,
                samplerID: fields.samplerID
            )
        ) {
            record.samplingRate = rate
            record.samplingSource = .optionsData
        }
        return record
    }
}
