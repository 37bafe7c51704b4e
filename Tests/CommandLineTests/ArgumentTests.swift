import ATOF
import ATOFBridge
import ArgumentParser
import Testing

@testable import atof_bridge

@Suite("Command-line arguments")
struct ArgumentTests {
    private func applied(_ arguments: [String]) throws -> Bridge.Configuration {
        let flags = try ExportFlags.parse(arguments)
        var configuration = Bridge.Configuration()
        try flags.apply(to: &configuration)
        return configuration
    }

    @Test("--endpoint takes a base URL or a full /v1/traces URL; --header replaces an environment header of the same name")
    func endpointAndHeaders() throws {
        #expect(try applied(["--endpoint", "http://collector:4318"]).exporter.endpoint == "http://collector:4318/v1/traces")
        #expect(
            try applied(["--endpoint", "http://collector:9/custom/v1/traces"]).exporter.endpoint == "http://collector:9/custom/v1/traces")
        let flags = try ExportFlags.parse(["--header", "authorization=Bearer new", "--header", "X-Tenant = blue"])
        var configuration = Bridge.Configuration()
        configuration.exporter.headers = [HTTPHeader(name: "Authorization", value: "Bearer old")]
        try flags.apply(to: &configuration)
        #expect(
            configuration.exporter.headers == [
                HTTPHeader(name: "authorization", value: "Bearer new"), HTTPHeader(name: "X-Tenant", value: "blue"),
            ])
    }

    @Test("--protocol grpc takes --endpoint as it is (no /v1/traces) and defaults to port 4317; a bad protocol is refused")
    func protocolFlag() throws {
        let grpc = try applied(["--protocol", "grpc", "--endpoint", "http://collector:4317"])
        #expect(grpc.exporter.protocol == .grpc)
        #expect(grpc.exporter.endpoint == "http://collector:4317")
        #expect(try applied(["--protocol", "GRPC", "--endpoint", "https://collector:4317"]).exporter.endpoint == "https://collector:4317")
        #expect(try applied(["--protocol", "grpc", "--endpoint", "collector:4317"]).exporter.endpoint == "https://collector:4317")
        if ProcessEnvironment.current["OTEL_EXPORTER_OTLP_ENDPOINT"] == nil,
            ProcessEnvironment.current["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] == nil
        {
            #expect(try applied(["--protocol", "grpc"]).exporter.endpoint == "http://localhost:4317")
        }
        let json = try applied(["--protocol", "http/json", "--endpoint", "http://collector:4318"])
        #expect(json.exporter.protocol == .httpJSON && json.exporter.endpoint == "http://collector:4318/v1/traces")
        #expect(throws: (any Error).self) { try applied(["--protocol", "thrift"]) }
        #expect(throws: (any Error).self) { try applied(["--protocol", "grpc", "--endpoint", "ftp://collector:4317"]) }
    }

    @Test("a bad --endpoint is a usage error that never shows the URL's password")
    func badEndpointHidesPassword() {
        do {
            _ = try applied(["--endpoint", "htp://alice:PASSWORD-789@collector:4318"])
            Issue.record("a non-http URL was accepted")
        } catch {
            let text = "\(error)"
            #expect(text.contains("--endpoint") && !text.contains("PASSWORD-789"))
        }
    }

    @Test("a --header without NAME=VALUE is refused without echoing the value")
    func headerWithoutEquals() {
        #expect(throws: ValidationError.self) { try applied(["--header", "Bearer SECRET-TOKEN"]) }
        do {
            _ = try applied(["--header", "Bearer SECRET-TOKEN"])
        } catch {
            #expect(!"\(error)".contains("SECRET-TOKEN"))
        }
    }

    @Test("--shutdown-timeout sets the bound in seconds and must be above zero", arguments: ["0", "-1", "nan", "90000"])
    func shutdownTimeoutMustBePositive(_ value: String) {
        #expect(throws: (any Error).self) { try ExportFlags.parse(["--shutdown-timeout", value]) }
    }

    @Test("--shutdown-timeout 2.5 becomes 2,500 ms; --gzip, --ca-file and --insecure-skip-verify reach the exporter")
    func deliveryFlags() throws {
        let configuration = try applied(["--shutdown-timeout", "2.5", "--gzip", "--ca-file", "ca.pem", "--insecure-skip-verify"])
        #expect(configuration.shutdownTimeout == .milliseconds(2500))
        #expect(configuration.exporter.compression == .gzip)
        #expect(configuration.exporter.tls.caFile == "ca.pem" && configuration.exporter.tls.insecureSkipVerify)
    }

    @Test("convert refuses a batch size below 1")
    func convertBatchSize() {
        #expect(throws: (any Error).self) { try ConvertCommand.parse(["run.jsonl", "--to", "otlp-json", "--batch-size", "0"]) }
        #expect((try? ConvertCommand.parse(["run.jsonl", "--to", "otlp-proto"])) != nil)
    }

    @Test("replay keeps what still fails beside its input, named .undelivered.jsonl")
    func replayUndeliveredPath() {
        #expect(ReplayCommand.undeliveredPath(for: "spans.otlp.jsonl") == "spans.otlp.undelivered.jsonl")
        #expect(ReplayCommand.undeliveredPath(for: "dump") == "dump.undelivered.jsonl")
    }

    @Test("an unreadable input is a command failure (exit 1) that names the path, not a usage error")
    func missingInputIsACommandFailure() {
        let path = "/nonexistent/atof-bridge-test-\(UInt32.random(in: 0...UInt32.max)).jsonl"
        do {
            _ = try openLines(path)
            Issue.record("a missing file was opened")
        } catch let failure as CommandFailure {
            #expect(failure.message.contains(path))
        } catch {
            Issue.record("expected a CommandFailure, got \(error)")
        }
    }
}
