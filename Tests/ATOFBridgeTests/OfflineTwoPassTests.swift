import ATOF
import Dispatch
import Testing

@testable import ATOFBridge

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Offline conversion in two passes (issue 12 item 2): an index first, the lines read again to
/// make the spans; inputs that cannot be read twice go through a spool file.
@Suite struct OfflineTwoPassTests {
    static let fixtures = GoldenFixtureTests.fixtures

    /// A new empty directory.
    static func makeDirectory() throws -> String {
        var template = Array("/tmp/atof-bridge-test.XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { name in name.baseAddress.flatMap { mkdtemp($0) } }
        let path = try #require(made.map { String(cString: $0) })
        return path
    }

    /// The names in `directory`, without `.` and `..`.
    static func entries(of directory: String) -> [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        try #require(written == bytes.count)
    }

    /// The bytes of a file, as they are.
    static func readRaw(_ path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            try #require(count >= 0)
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }

    /// What a conversion says, to compare two of them (diagnostics without the input's name).
    static func summary(_ conversion: OfflineConversion) -> ([OTLP.Span], [String], Int, Int, AssemblyReport) {
        var report = conversion.report
        report.diagnostics = []
        let diagnostics = conversion.diagnostics.map { "\($0.line ?? 0) \($0.severity) \($0.message)" }
        return (conversion.spans, diagnostics, conversion.eventCount, conversion.badLineCount, report)
    }

    @Test(
        "an input read through a FIFO is spooled and converts exactly as the same file does",
        arguments: ["planted-problems", "nemo-relay-streaming-marks"])
    func aFIFOConvertsAsTheFile(_ name: String) throws {
        let path = "\(Self.fixtures)/\(name).jsonl"
        let bytes = try Self.readRaw(path)
        let directory = try Self.makeDirectory()
        defer { rmdir(directory) }
        let fifo = "\(directory)/input"
        try #require(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        let writer = DispatchGroup()
        DispatchQueue.global().async(group: writer) {
            let descriptor = open(fifo, O_WRONLY)
            guard descriptor >= 0 else { return }
            _ = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            close(descriptor)
        }
        let piped = try OfflineConversion(path: fifo, mapper: SpanMapper())
        writer.wait()
        let file = try OfflineConversion(path: path, mapper: SpanMapper())
        #expect(piped.spanCount > 0)
        #expect(Self.summary(piped) == Self.summary(file))
        #expect(piped.lastLineRead == file.lastLineRead)
    }

    @Test("reading a FIFO stopped early converts the lines read so far, all of them read again from the spool")
    func aFIFOStoppedEarlyConvertsTheLinesRead() throws {
        let path = "\(Self.fixtures)/nemo-relay-scopes-tools-marks.jsonl"
        let bytes = try Self.readRaw(path)
        let kept = 6
        var firstLines: [UInt8] = []
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).prefix(kept) {
            firstLines += line
            firstLines.append(0x0A)
        }
        let directory = try Self.makeDirectory()
        defer { rmdir(directory) }
        let fifo = "\(directory)/input"
        let head = "\(directory)/head.jsonl"
        try #require(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        try Self.write(firstLines, to: head)
        defer { unlink(head) }
        let writer = DispatchGroup()
        DispatchQueue.global().async(group: writer) {
            let descriptor = open(fifo, O_WRONLY)
            guard descriptor >= 0 else { return }
            _ = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            close(descriptor)
        }
        var asked = 0
        let stopped = try OfflineConversion(
            path: fifo, mapper: SpanMapper(),
            stop: {
                asked += 1
                return asked > kept
            })
        writer.wait()
        let expected = try OfflineConversion(path: head, mapper: SpanMapper())
        #expect(stopped.stoppedEarly)
        #expect(stopped.lastLineRead == kept)
        #expect(stopped.spanCount > 0)
        #expect(Self.summary(stopped) == Self.summary(expected))
    }

    @Test("a byte order mark, CRLF line ends, blank and bad lines and a cut-off last line are read again where the first pass found them")
    func linesAreReadAgainWhereTheyStand() throws {
        var lines = try GoldenFixtureTests.readAll("\(Self.fixtures)/nemo-relay-scopes-tools-marks.jsonl").split(
            separator: 0x0A, omittingEmptySubsequences: false
        ).map(Array.init)
        while lines.last?.isEmpty == true { lines.removeLast() }
        lines.insert(Array("not json".utf8), at: 3)
        lines.insert([], at: 5)
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        for (position, line) in lines.enumerated() {
            bytes += line
            if position < lines.count - 1 { bytes += [0x0D, 0x0A] }  // the last line has no line break
        }
        let directory = try Self.makeDirectory()
        defer { rmdir(directory) }
        let path = "\(directory)/input.jsonl"
        try Self.write(bytes, to: path)
        defer { unlink(path) }

        var events: [SourcedEvent] = []
        var diagnostics: [Diagnostic] = []
        try EventReader(path: path).forEach { item in
            switch item {
            case .event(let event, let line): events.append(SourcedEvent(event, line: line))
            case .diagnostic(let diagnostic): diagnostics.append(diagnostic)
            }
        }
        let fromFile = try OfflineConversion(path: path, mapper: SpanMapper())
        let inMemory = OfflineConversion(events: events, source: path, lineDiagnostics: diagnostics, mapper: SpanMapper())
        #expect(fromFile.badLineCount == 1)
        #expect(fromFile.spanCount > 0)
        #expect(Self.summary(fromFile) == Self.summary(inMemory))
    }

    @Test("spans whose lines cannot be read again (the file was cut while converting) are counted, not silently left out")
    func linesThatCannotBeReadAgainAreCounted() throws {
        let bytes = try GoldenFixtureTests.readAll("\(Self.fixtures)/nemo-relay-scopes-tools-marks.jsonl")
        let directory = try Self.makeDirectory()
        defer { rmdir(directory) }
        let path = "\(directory)/input.jsonl"
        try Self.write(bytes, to: path)
        defer { unlink(path) }
        let conversion = try OfflineConversion(path: path, mapper: SpanMapper())
        #expect(conversion.unreadableSpanCount == 0)
        try #require(truncate(path, off_t(bytes.count / 2)) == 0)
        let spans = conversion.spans
        #expect(conversion.unreadableSpanCount > 0)
        #expect(spans.count + conversion.unreadableSpanCount == conversion.spanCount)
    }

    @Test("the spool file is made with mode 0600 in TMPDIR, leaves no name behind, and gives back what was written")
    func spoolFileIsPrivateAndNameless() throws {
        let directory = try Self.makeDirectory()
        defer { rmdir(directory) }
        let spool = try SpoolFile(holding: "a test spool", for: "test", environment: ["TMPDIR": directory])
        #expect(Self.entries(of: directory).isEmpty)
        var status = stat()
        #expect(fstat(spool.file.descriptor, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
        let written = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try spool.append(Array(written[..<1000]))
        try spool.append(Array(written[1000...]))
        var readBack: [UInt8] = []
        try spool.forEachChunk { readBack += $0 }
        #expect(readBack == written)
    }

    @Test("a TMPDIR where the spool cannot be made is an input error that names it and says what to do")
    func unwritableTemporaryDirectoryIsAnInputError() throws {
        let error = #expect(throws: InputError.self) {
            try SpoolFile(holding: "a temporary copy of the input", for: "<stdin>", environment: ["TMPDIR": "/nonexistent/dir"])
        }
        #expect(error?.source == "<stdin>")
        #expect(error?.reason.contains("/nonexistent/dir") == true)
        #expect(error?.reason.contains("set TMPDIR") == true)
    }

    @Test(
        "a plan and line locations of more than one run are spooled (runs of the plan sorted and merged back) and convert exactly as in memory",
        arguments: ["planted-problems", "nemo-relay-streaming-marks", "nemo-relay-scopes-tools-marks"])
    func aSpooledPlanConvertsAsInMemory(_ name: String) throws {
        let path = "\(Self.fixtures)/\(name).jsonl"
        let directory = try Self.makeDirectory()
        defer { rmdir(directory) }
        let inMemory = try OfflineConversion(path: path, mapper: SpanMapper())
        for runLength in [1, 2, 3, 7] {
            let spooled = try OfflineConversion(
                path: path, mapper: SpanMapper(), planRunLength: runLength, locationRunLength: runLength,
                environment: ["TMPDIR": directory])
            #expect(Self.entries(of: directory).isEmpty)
            #expect(spooled.spanCount == inMemory.spanCount)
            #expect(Self.summary(spooled) == Self.summary(inMemory))
            for size in [1, 2, 5] {
                var batches: [[OTLP.Span]] = []
                spooled.forEachSpanBatch(size: size) { batches.append($0) }
                #expect(batches.allSatisfy { $0.count <= size })
                #expect(batches.flatMap { $0 } == inMemory.spans)
            }
        }
    }

    @Test("a spooled plan leaves out the spans of sampled-out traces as an in-memory plan does")
    func aSpooledPlanSamplesAsInMemory() throws {
        let path = "\(Self.fixtures)/nemo-relay-scopes-tools-marks.jsonl"
        let directory = try Self.makeDirectory()
        defer { rmdir(directory) }
        let sampling = SamplingConfiguration(sampler: .traceIDRatio, ratio: 0.5)
        var inMemory = try OfflineConversion(path: path, mapper: SpanMapper())
        var spooled = try OfflineConversion(path: path, mapper: SpanMapper(), planRunLength: 2, environment: ["TMPDIR": directory])
        inMemory.sample(sampling)
        spooled.sample(sampling)
        #expect(spooled.sampledOutCount == inMemory.sampledOutCount)
        #expect(spooled.spanCount == inMemory.spanCount)
        #expect(spooled.spans == inMemory.spans)
    }

    @Test("line locations are spooled in runs with mode 0600, no name left behind, and read back as they were added")
    func lineLocationsSpoolAndReadBack() throws {
        let directory = try Self.makeDirectory()
        defer { rmdir(directory) }
        let small = LocationSpill(runLength: 8, for: "test", environment: ["TMPDIR": "/nonexistent/dir"])
        try small.append(offset: 7, length: 3)
        #expect(try small.load().offsets == [7])
        let spill = LocationSpill(runLength: 3, for: "test", environment: ["TMPDIR": directory])
        let added = (0..<10).map { (offset: UInt64($0) * 1_000_000_007, length: $0 * 3 + 1) }
        for location in added { try spill.append(offset: location.offset, length: location.length) }
        #expect(Self.entries(of: directory).isEmpty)
        #expect(spill.count == 10)
        let loaded = try spill.load()
        #expect(loaded.offsets == added.map(\.offset))
        #expect(loaded.lengths == added.map { UInt32($0.length) })
        #expect(spill.location(of: 4)?.offsets == [added[4].offset])
        #expect(spill.location(of: 9)?.lengths == [UInt32(added[9].length)])
    }

    @Test("line locations that cannot be spooled are an input error that names the input and what to do")
    func unwritableLocationSpoolIsAnInputError() throws {
        let path = "\(Self.fixtures)/nemo-relay-scopes-tools-marks.jsonl"
        let error = #expect(throws: InputError.self) {
            try OfflineConversion(
                path: path, mapper: SpanMapper(), planRunLength: 1 << 16, locationRunLength: 1,
                environment: ["TMPDIR": "/nonexistent/dir"])
        }
        #expect(error?.source == path)
        #expect(error?.reason.contains("the line locations") == true)
        #expect(error?.reason.contains("set TMPDIR") == true)
    }

    @Test("the plan's spool is made only for a plan of more than one run, with mode 0600, leaving no name behind")
    func thePlanSpoolIsPrivateAndNameless() throws {
        let directory = try Self.makeDirectory()
        defer { rmdir(directory) }
        let identity = AssembledScope.Identity(traceID: OTLP.TraceID(high: 1, low: 2), spanID: OTLP.SpanID(3), flags: 0)
        func spans(_ times: [Int64]) -> [PlannedSpan] {
            times.enumerated().map { position, time in
                PlannedSpan(orphanMark: position, time: time, identity: identity, traceState: -1)
            }
        }
        let small = PlanSpill(runLength: 4, for: "test", environment: ["TMPDIR": directory])
        var few = spans([3, 1, 2])
        small.write(&few)
        #expect(small.finish() == nil)
        #expect(few.count == 3)

        let spill = PlanSpill(runLength: 2, for: "test", environment: ["TMPDIR": directory])
        var run = spans([5, 4])
        spill.write(&run)
        #expect(run.isEmpty)
        var last = spans([4, 3, 9])
        spill.write(&last)
        let spooled = try #require(spill.finish())
        try spill.checkWritten()
        #expect(Self.entries(of: directory).isEmpty)
        var status = stat()
        #expect(fstat(spooled.file.descriptor, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
        #expect(spooled.runs == [0..<2, 2..<5])
        var plan = SpanPlan()
        plan.spooled = spooled
        let merged = PlannedSpanCursor(plan: plan).next(10)
        #expect(merged.unreadable == 0)
        // Equal times: the earlier run's span first (the order one sort of the whole plan gives).
        #expect(merged.spans.map(\.startTime) == [3, 4, 4, 5, 9])
        #expect(merged.spans.map(\.start) == [1, 1, 0, 0, 2])
    }

    @Test("a plan spool that cannot be written is an input error that names the input, the plan and what to do")
    func anUnwritablePlanSpoolIsAnInputError() throws {
        let path = "\(Self.fixtures)/nemo-relay-scopes-tools-marks.jsonl"
        let error = #expect(throws: InputError.self) {
            try OfflineConversion(path: path, mapper: SpanMapper(), planRunLength: 1, environment: ["TMPDIR": "/nonexistent/dir"])
        }
        #expect(error?.source == path)
        #expect(error?.reason.contains("the span plan") == true)
        #expect(error?.reason.contains("/nonexistent/dir") == true)
        #expect(error?.reason.contains("set TMPDIR") == true)
    }

    @Test("uuids get dense ids in order of first appearance, the same uuid always the same id, as the table grows")
    func uuidsAreInternedOnce() {
        var interner = UUIDInterner()
        let texts = (0..<5000).map { $0 % 2 == 0 ? "scope-\($0)" : String(format0: $0) }
        let ids = texts.map { interner.id(of: UUIDKey($0)) }
        #expect(ids == (0..<5000).map(Int32.init))
        #expect(texts.reversed().map { interner.id(of: UUIDKey($0)) } == ids.reversed())
        #expect(interner.keys.count == 5000)
        #expect(interner.keys[4999].text == texts[4999])
    }

    @Test("the index holds no event: each event is a few integers, each uuid is kept once")
    func indexKeepsIdsNotEvents() {
        let events = TestEvents.sourced([
            TestEvents.start("a", parent: nil, at: 1), TestEvents.start("b", parent: "a", at: 2),
            TestEvents.mark("m", parent: "b", at: 3), TestEvents.end("b", parent: "a", at: 4), TestEvents.end("a", parent: nil, at: 5),
        ])
        let index = SpanAssembler.index(of: events)
        #expect(index.count == 5)
        #expect(index.keys.map(\.text) == ["a", "b", "m"])
        #expect(index.uuids == [0, 1, 2, 1, 0])
        #expect(index.parents == [EventIndex.noParent, 0, 1, 0, EventIndex.noParent])
        #expect(index.times == [1, 2, 3, 4, 5].map { TestEvents.base + Int64($0) * 1_000_000_000 })
    }

    @Test("a planned span takes at most 80 bytes and an event's kind one byte in the index")
    func plannedSpansAndIndexEntriesStaySmall() {
        #expect(MemoryLayout<PlannedSpan>.stride <= 80)
        #expect(MemoryLayout<Event.Kind>.stride == 1)
    }
}

extension String {
    /// A canonical lowercase UUID whose last group is `value`.
    fileprivate init(format0 value: Int) {
        let hex = String(value, radix: 16)
        self = "0197a000-0000-7000-8000-" + String(repeating: "0", count: 12 - hex.count) + hex
    }
}
