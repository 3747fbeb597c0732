import Foundation
import Testing

@testable import Alerting

@Suite("Notification templates")
struct NotificationTemplateTests {
    let context = NotificationContext(
        event: "firing",
        alertID: 7,
        rule: "uplink down",
        ruleKind: "interface_down",
        severity: .major,
        state: "firing",
        device: "rtr1 & co",
        interface: "ge-0/0/1",
        value: 2,
        summary: "interface ge-0/0/1 is down (admin up)",
        since: 1_800_000_000_000,
        time: 1_800_000_060_000,
        step: 0,
        link: "https://netmond.example/alerts/7"
    )

    @Test("the defaults render every field, unescaped")
    func defaults() {
        let rendered = NotificationTemplates.render(self.context, channel: AlertChannel(name: "c", kind: .email))
        #expect(rendered.subject == "[MAJOR] uplink down on rtr1 & co (ge-0/0/1)")
        #expect(rendered.body.contains("interface ge-0/0/1 is down (admin up)"))
        #expect(rendered.body.contains("Device: rtr1 & co"))
        #expect(rendered.body.contains("Since: 2027-01-15T08:00:00Z"))
        #expect(rendered.body.contains("https://netmond.example/alerts/7"))
        #expect(rendered.templateErrors.isEmpty)
    }

    @Test("a channel's template overrides the default")
    func override() {
        let channel = AlertChannel(name: "c", kind: .email, subjectTemplate: "{{rule}}!", bodyTemplate: "v={{value}}")
        let rendered = NotificationTemplates.render(self.context, channel: channel)
        #expect(rendered.subject == "uplink down!")
        #expect(rendered.body == "v=2")
    }

    @Test("a broken template falls back to the default and is reported")
    func brokenTemplate() {
        let channel = AlertChannel(name: "c", kind: .email, subjectTemplate: "{{#rule}}unclosed")
        let rendered = NotificationTemplates.render(self.context, channel: channel)
        #expect(rendered.subject == "[MAJOR] uplink down on rtr1 & co (ge-0/0/1)")
        #expect(rendered.templateErrors.count == 1)
    }

    @Test("email data: headers, dot-stuffing, header injection removed")
    func emailData() {
        let data = SMTPMessage.data(
            from: "netmond@example.org",
            to: ["ops@example.org"],
            subject: "a\r\nBcc: evil@example.org",
            body: ".leading dot\nline two\n.",
            messageID: "alert-1-event-1-channel-2",
            date: .init(timeIntervalSince1970: 0)
        )
        #expect(data.contains("Subject: a  Bcc: evil@example.org\r\n"))
        #expect(!data.contains("\r\nBcc:"))
        #expect(data.contains("\r\n..leading dot\r\nline two\r\n..\r\n.\r\n"))
        #expect(data.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000"))
        #expect(data.hasSuffix("\r\n.\r\n"))
    }
}
