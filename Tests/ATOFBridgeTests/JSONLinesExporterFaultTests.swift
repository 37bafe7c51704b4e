import Glibc
import Synchronization
import Testing

@testable import ATOF
@testable import ATOFBridge

@Suite("The fallback file on a full disk, behind a link, with a loose mode")
struct JSONLinesExporterFaultTests {
    typealias Support = ExportTestSupport

    /// A disk with `room` bytes left, shared by the writers the exporter opens: writes take what
    /// fits, then fail with ENOSPC.
    final class FullDisk: Sendable {
        let room = Mutex(Int.max)

        func write(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
            let taken = room.withLock { room -> Int in
                let taken = min(count, room)
                room -= taken
                return taken
            }
            guard taken > 0 else {
                errno = ENOSPC
                return -1
            }
            return Glibc.write(descriptor, bytes, taken)
        }

        func exporter(path: String, logger: CapturedLogs) -> JSONLinesExporter {
            JSONLinesExporter(path: path, logger: logger.logger()) { path throws(InputError) in
                let writer = try JSONLWriter(path: path, append: true, flushThreshold: .max)
                writer.systemWrite = self.write
                return writer
            }
        }
    }

    static func fileBytes(_ path: String) -> [UInt8] {
        guard let file = fopen(path, "rb") else { return [] }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes += chunk[..<count]
        }
        return bytes
    }

    @Test("a batch the disk cannot take is returned undelivered, no part of it stays in the file, and the next batch is appended whole")
    func fullDiskBatch() throws {
        let path = Support.temporaryPath("full.jsonl")
        defer { unlink(path) }
        let disk = FullDisk()
        let logs = CapturedLogs()
        let exporter = disk.exporter(path: path, logger: logs)
        let first = Support.batch(count: 3, first: 1)
        let second = Support.batch(count: 4, first: 10)
        let third = Support.batch(count: 2, first: 20)
        let fourth = Support.batch(count: 5, first: 30)
        #expect(exporter.export(first).delivered == 3)

        disk.room.withLock { $0 = 100 }
        let failed = exporter.export(second)
        #expect(failed.delivered == 0 && failed.undeliveredCount == 4)
        guard case .fallbackWrite(let message)? = failed.failure else {
            Issue.record("expected a fallback write failure, got \(String(describing: failed.failure))")
            return
        }
        #expect(message.contains(path) && message.contains("No space left on device"))
        #expect(try FallbackFile.batches(path) == [first])
        #expect(Self.fileBytes(path).last == 0x0A)
        #expect(exporter.export(third).undeliveredCount == 2)
        #expect(logs.all.filter { $0.hasPrefix("error:") }.count == 1)

        disk.room.withLock { $0 = .max }
        #expect(exporter.export(fourth).delivered == 5)
        exporter.shutdown()
        #expect(try FallbackFile.batches(path) == [first, fourth])
    }

    @Test("a fallback path that is a symbolic link is refused: the spans are undelivered and the link's target unchanged")
    func symbolicLinkFallback() throws {
        let target = Support.temporaryPath("target")
        let link = Support.temporaryPath("link.jsonl")
        defer {
            unlink(link)
            unlink(target)
        }
        let descriptor = open(target, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        _ = Array("precious\n".utf8).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        symlink(target, link)
        let logs = CapturedLogs()
        let exporter = JSONLinesExporter(path: link, logger: logs.logger())
        let result = exporter.export(Support.batch(count: 3))
        exporter.shutdown()
        #expect(result.delivered == 0 && result.undeliveredCount == 3)
        #expect(logs.all.contains { $0.contains("\(link): is a symbolic link") })
        #expect(String(decoding: Self.fileBytes(target), as: UTF8.self) == "precious\n")
    }

    @Test("an existing fallback file of ours open to others is set to 0600, and the warning goes to the logger")
    func looseModeWarning() throws {
        let path = Support.temporaryPath("loose.jsonl")
        defer { unlink(path) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        fchmod(descriptor, 0o644)
        close(descriptor)
        let logs = CapturedLogs()
        let exporter = JSONLinesExporter(path: path, logger: logs.logger())
        let batch = Support.batch(count: 2)
        #expect(exporter.export(batch).delivered == 2)
        exporter.shutdown()
        #expect(FallbackFile.mode(path) == 0o600)
        #expect(logs.all.contains { $0.hasPrefix("warning: \(path): had mode 0644, open to other users; changed it to 0600") })
        #expect(try FallbackFile.batches(path) == [batch])
    }

    @Test("the summary calls spans that are neither delivered nor written 'lost'")
    func summarySaysLost() throws {
        let server = try TestOTLPServer(script: [.status(400)])
        defer { server.stop() }
        let path = Support.temporaryPath("full-bridge.jsonl")
        defer { unlink(path) }
        let disk = FullDisk()
        disk.room.withLock { $0 = 0 }
        let logs = CapturedLogs()
        var configuration = Support.configuration(url: server.url)
        configuration.fallbackPath = path
        let exporter = FallbackExporter(
            primary: try OTLPHTTPExporter(configuration: configuration.exporter), fallback: disk.exporter(path: path, logger: logs),
            logger: logs.logger())
        let bridge = Bridge(configuration: configuration, exporter: exporter, logger: logs.logger())
        bridge.receive(spans: Support.spans(count: 6))
        let statistics = bridge.shutdown(timeout: .seconds(10))
        #expect(statistics.spansFailed == 6 && statistics.spansInFallback == 0)
        #expect(statistics.description.contains("0 in the fallback file"))
        #expect(statistics.description.contains("6 lost"))
        #expect(!statistics.description.contains("failed"))
    }
}
