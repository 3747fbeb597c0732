import Foundation

/// Formats an email for SMTP DATA: headers (RFC 5322, RFC 2047 for non-ASCII subjects), a
/// text body (7bit when plain ASCII with short lines, else base64), CRLF line ends and
/// dot-stuffing (RFC 5321 §4.5.2), ending with the `.` line.
enum SMTPMessage {
    /// The DATA section for `email`, terminator included.
    static func data(
        from: String,
        to recipients: [String],
        subject: String,
        body: String,
        messageID: String,
        date: Date
    ) -> String {
        var lines: [String] = [
            "From: \(from)",
            "To: \(recipients.joined(separator: ", "))",
            "Subject: \(Self.encodeHeader(Self.singleLine(subject)))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(messageID.filter { $0.isLetter || $0.isNumber || "-._".contains($0) })@netmond>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
        ]
        let bodyLines = body.replacingOccurrences(of: "\r\n", with: "\n").split(
            separator: "\n",
            omittingEmptySubsequences: false
        ).map(String.init)
        let plain = body.unicodeScalars.allSatisfy { $0.isASCII } && bodyLines.allSatisfy { $0.utf8.count <= 998 }
        if plain {
            lines.append("Content-Transfer-Encoding: 7bit")
            lines.append("")
            lines += bodyLines
        } else {
            lines.append("Content-Transfer-Encoding: base64")
            lines.append("")
            let encoded = Data(body.utf8).base64EncodedString()
            var index = encoded.startIndex
            while index < encoded.endIndex {
                let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
                lines.append(String(encoded[index..<end]))
                index = end
            }
        }
        let stuffed = lines.map { $0.hasPrefix(".") ? "." + $0 : $0 }
        return stuffed.joined(separator: "\r\n") + "\r\n.\r\n"
    }

    /// Removes CR and LF (header injection).
    static func singleLine(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            result.append(scalar == "\r" || scalar == "\n" ? " " : scalar)
        }
        return String(result)
    }

    /// RFC 2047 B-encoding when the text is not plain ASCII.
    static func encodeHeader(_ text: String) -> String {
        guard !text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 }) else { return text }
        return "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    /// Whether `address` is a plain mailbox (no spaces, brackets or line breaks).
    static func isAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@")
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && !address.contains { " <>\r\n,;\"".contains($0) }
    }
}
