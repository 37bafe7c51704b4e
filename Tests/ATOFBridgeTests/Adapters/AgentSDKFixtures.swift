import ATOF
import Foundation
import Testing

@testable import ATOFBridge

/// Builders of agent-sdk lines for the tests; files and translation go through ``ForeignFixture``.
enum AgentSDKFixtures {
    typealias Translation = ForeignFixture.Translation

    /// Translates JSON lines (each an object) through the adapter and the time pass.
    static func translate(_ lines: [String], options: AdapterOptions = AdapterOptions()) throws -> Translation {
        ForeignFixture.translate(AgentSDKAdapter.self, try ForeignFixture.objects(lines), options: options)
    }

    /// Translates an example file through the adapter and the time pass.
    static func translate(file name: String, options: AdapterOptions = AdapterOptions()) throws -> Translation {
        try ForeignFixture.translate(name, .agentSDK, options: options)
    }

    /// One event line of an envelope; `fields` is the variant's members as JSON text without braces.
    static func line(_ number: Int, _ type: String, at seconds: String, _ fields: String = "", sequence: Int? = nil) -> String {
        let id = String(format: "00000000-0000-4000-8000-%012d", number)
        let members = fields.isEmpty ? "" : ",\(fields)"
        return
            #"{"event_id":"\#(id)","sequence":\#(sequence ?? number),"timestamp":"2026-11-21T10:00:\#(seconds)Z","type":"\#(type)"\#(members)}"#
    }

    /// The run key of a run whose first line is `line(number, ...)` in thread `thread`.
    static func runKey(_ thread: String, _ number: Int) -> String {
        "agent-sdk:\(thread):" + String(format: "00000000-0000-4000-8000-%012d", number)
    }

}
