#if canImport(NetmonCore)
import NetmonCore
#endif

/// Decodes NetFlow version 9 export packets (RFC 3954): templates, options templates, data
/// flowsets and their padding.
///
/// Templates are learned into the caller's ``FlowTemplateCache`` keyed by exporter, source id and
/// template id; a data flowset whose template is unknown is skipped and counted in
/// ``FlowDatagramStats/templateMisses``, never guessed at. Options data carrying sampling
/// (elements 34, 35, 48, 50) updates the cache's sampling table, which sets each flow's rate.
///
/// The header's `count` is reported but not trusted: flowsets are read to the end of the datagram,
/// as goflow2 and nfdump do (softflowd 1.1's count falls short of what it sends; tshark stops there).
public enum NetFlowV9Decoder {
    /// Length of the v9 packet header.
    public static let headerLength = 20

    /// Decodes one datagram sent by `exporter`, at time `now` (epoch ms, for template expiry).
    ///
    /// - Throws: ``FlowDecodingError`` when the version is not 9, a flowset length overruns the
    ///   datagram, or a template is malformed; the cache keeps templates learned before the error.
    public static func decode(
        _ datagram: [UInt8],
        exporter: IPAddress,
        templates: inout FlowTemplateCache,
        now: Int64
    ) throws(FlowDecodingError) -> FlowDatagram {
        var reader = ByteReader(datagram)
        let version = try reader.readUInt16()
        guard version == 9 else { throw .unsupportedVersion(UInt32(version)) }
        let count = try reader.readUInt16()
        let sysUptime = try reader.readUInt32()
        let unixSeconds = try reader.readUInt32()
        let sequence = try reader.readUInt32()
        let sourceID = try reader.readUInt32()

        var result = FlowDatagram(origin: .netflow9, version: 9)
        result.sequenceNumber = sequence
        result.observationDomain = sourceID
        result.exportTime = Int64(unixSeconds) * 1000
        result.systemUptime = sysUptime
        result.declaredCount = UInt32(count)
        let context = TemplateDecodingContext(
            origin: .netflow9,
            exporter: exporter,
            version: 9,
            observationDomain: sourceID,
            exportTime: result.exportTime,
            systemUptime: sysUptime,
            skipsScopeFields: true,
            now: now
        )

        while reader.remaining >= 4 {
            let flowsetOffset = reader.offset
            let flowsetID = try reader.readUInt16()
            let length = Int(try reader.readUInt16())
            guard length >= 4 else { throw .invalidLength(offset: flowsetOffset + 2) }
            var flowset = try reader.subReader(length: length - 4)
            switch flowsetID {
            case 0:
                try self.decodeTemplates(&flowset, context: context, templates: &templates, stats: &result.stats)
            case 1:
                try self.decodeOptionsTemplates(&flowset, context: context, templates: &templates, stats: &result.stats)
            case 2..<256:
                result.stats.skippedUnknown += 1
            default:
                try TemplateDataDecoding.decodeDataSet(
                    &flowset,
                    templateID: flowsetID,
                    context: context,
                    templates: &templates,
                    into: &result
                )
            }
        }
        return result
    }

    private static func decodeTemplates(
        _ flowset: inout ByteReader,
        context: TemplateDecodingContext,
        templates: inout FlowTemplateCache,
        stats: inout FlowDatagramStats
    ) throws(FlowDecodingError) {
        while flowset.remaining >= 4 {
            let offset = flowset.offset
            let templateID = try flowset.readUInt16()
            let fieldCount = Int(try flowset.readUInt16())
            guard templateID >= 256, (1...FlowTemplate.maximumFieldCount).contains(fieldCount) else {
                throw .invalidTemplate(offset: offset, templateID: templateID)
            }
            var fields: [FlowTemplateField] = []
            fields.reserveCapacity(fieldCount)
            for _ in 0..<fieldCount {
                fields.append(try self.readField(&flowset, templateID: templateID))
            }
            let template = FlowTemplate(id: templateID, fields: fields)
            try self.store(template, offset: offset, context: context, templates: &templates, stats: &stats)
        }
    }

    private static func decodeOptionsTemplates(
        _ flowset: inout ByteReader,
        context: TemplateDecodingContext,
        templates: inout FlowTemplateCache,
        stats: inout FlowDatagramStats
    ) throws(FlowDecodingError) {
        while flowset.remaining >= 6 {
            let offset = flowset.offset
            let templateID = try flowset.readUInt16()
            let scopeLength = Int(try flowset.readUInt16())
            let optionLength = Int(try flowset.readUInt16())
            let scopeCount = scopeLength / 4
            let fieldCount = scopeCount + optionLength / 4
            guard templateID >= 256, scopeLength % 4 == 0, optionLength % 4 == 0,
                (1...FlowTemplate.maximumFieldCount).contains(fieldCount)
            else {
                throw .invalidTemplate(offset: offset, templateID: templateID)
            }
            var fields: [FlowTemplateField] = []
            fields.reserveCapacity(fieldCount)
            for _ in 0..<fieldCount {
                fields.append(try self.readField(&flowset, templateID: templateID))
            }
            let template = FlowTemplate(id: templateID, fields: fields, scopeFieldCount: scopeCount, isOptions: true)
            try self.store(template, offset: offset, context: context, templates: &templates, stats: &stats)
        }
    }

    private static func readField(
        _ flowset: inout ByteReader,
        templateID: UInt16
    ) throws(FlowDecodingError) -> FlowTemplateField {
        let offset = flowset.offset
        let type = try flowset.readUInt16()
        let length = try flowset.readUInt16()
        // v9 has no variable-length fields; 0 and 65535 are nonsense.
        guard length > 0, length != FlowTemplateField.variableLength else {
            throw .invalidTemplate(offset: offset, templateID: templateID)
        }
        return FlowTemplateField(elementID: type, length: length)
    }

    private static func store(
        _ template: FlowTemplate,
        offset: Int,
        context: TemplateDecodingContext,
        templates: inout FlowTemplateCache,
        stats: inout FlowDatagramStats
    ) throws(FlowDecodingError) {
        guard template.minimumRecordLength <= Int(UInt16.max) else {
            throw .invalidTemplate(offset: offset, templateID: template.id)
        }
        if templates.insert(template, for: context.key(templateID: template.id), now: context.now) {
            stats.templatesReceived += 1
        } else {
            stats.templatesRefused += 1
        }
    }
}
