import Glibc
import Testing

@testable import ATOF

/// The files the writer opens and what a full disk leaves in them.
@Suite("JSONLWriter: whole lines on a full disk, no links, owner-only files")
struct JSONLWriterTests {
    /// A disk with `room` bytes left: writes take what fits, then fail with ENOSPC.
    final class FullDisk {
        var room: Int

        init(room: Int) { self.room = room }

        func write(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
            guard room > 0 else {
                errno = ENOSPC
                return -1
            }
            let taken = min(count, room)
            room -= taken
            return Glibc.write(descriptor, bytes, taken)
        }
    }

    /// A fresh directory of our own, removed with its files by `remove(_:)`.
    static func directory() -> String {
        let path = "/tmp/atof-writer-tests-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        mkdir(path, 0o700)
        return path
    }

    static func remove(_ directory: String) {
        if let entries = opendir(directory) {
            while let entry = readdir(entries) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { unlink("\(directory)/\(name)") }
            }
            closedir(entries)
        }
        rmdir(directory)
    }

    static func contents(_ path: String) -> String {
        guard let file = fopen(path, "rb") else { return "<missing>" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func create(_ path: String, _ text: String, mode: mode_t) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)
        _ = Array(text.utf8).withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        fchmod(descriptor, mode)
        close(descriptor)
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        lstat(path, &info)
        return info.st_mode & 0o7777
    }

    @Test("a write the disk cannot take is cut back to the last whole line, and later lines follow it", arguments: [false, true])
    func fullDiskCutsBack(append: Bool) throws {
        let directory = Self.directory()
        defer { Self.remove(directory) }
        let path = "\(directory)/out.jsonl"
        let disk = FullDisk(room: .max)
        let writer = try JSONLWriter(path: path, append: append, flushThreshold: .max)
        writer.systemWrite = disk.write
        try writer.writeLine(Array(#"{"first":1}"#.utf8))
        try writer.flush()
        disk.room = 7
        try writer.writeLine(Array(#"{"second":2}"#.utf8))
        try writer.writeLine(Array(#"{"third":3}"#.utf8))
        let error = #expect(throws: InputError.self) { try writer.flush() }
        #expect(error?.source == path)
        #expect(error?.reason.contains("No space left on device") == true)
        #expect(error?.reason.contains("cut back to its last whole line") == true)
        #expect(Self.contents(path) == "{\"first\":1}\n")
        disk.room = .max
        try writer.writeLine(Array(#"{"fourth":4}"#.utf8))
        try writer.sync()
        #expect(Self.contents(path) == "{\"first\":1}\n{\"fourth\":4}\n")
    }

    @Test("appending to a file whose last line has no line break starts a new line, with a warning")
    func appendAfterCutLine() throws {
        let directory = Self.directory()
        defer { Self.remove(directory) }
        let path = "\(directory)/cut.jsonl"
        Self.create(path, "{\"whole\":1}\n{\"cut\":", mode: 0o600)
        let writer = try JSONLWriter(path: path, append: true)
        #expect(writer.warnings.count == 1)
        #expect(writer.warnings.first?.contains("the last line has no line break") == true)
        try writer.writeLine(Array(#"{"next":2}"#.utf8))
        try writer.writeLine(Array(#"{"next":3}"#.utf8))
        try writer.sync()
        #expect(Self.contents(path) == "{\"whole\":1}\n{\"cut\":\n{\"next\":2}\n{\"next\":3}\n")

        let again = try JSONLWriter(path: path, append: true)
        #expect(again.warnings.isEmpty)
    }

    @Test("a line break still owed after a failed write is written before the next line")
    func owedLineBreakSurvivesFailure() throws {
        let directory = Self.directory()
        defer { Self.remove(directory) }
        let path = "\(directory)/cut.jsonl"
        Self.create(path, "{\"cut\":", mode: 0o600)
        let disk = FullDisk(room: 3)
        let writer = try JSONLWriter(path: path, append: true, flushThreshold: .max)
        writer.systemWrite = disk.write
        try writer.writeLine(Array(#"{"lost":1}"#.utf8))
        #expect(throws: InputError.self) { try writer.flush() }
        #expect(Self.contents(path) == "{\"cut\":")
        disk.room = .max
        try writer.writeLine(Array(#"{"kept":2}"#.utf8))
        try writer.flush()
        #expect(Self.contents(path) == "{\"cut\":\n{\"kept\":2}\n")
    }

    @Test("discarding an incomplete binary output leaves the file empty")
    func discardLeavesEmpty() throws {
        let directory = Self.directory()
        defer { Self.remove(directory) }
        let path = "\(directory)/body.pb"
        let writer = try JSONLWriter(path: path, flushThreshold: 4)
        try writer.writeRaw([1, 2, 3, 4, 5, 6])
        try writer.discardWritten()
        try writer.writeRaw([7])
        try writer.flush()
        #expect(Self.contents(path) == "\u{7}")
    }

    @Test("a symbolic link is refused, naming the path, and the file it points to is unchanged", arguments: [false, true])
    func symbolicLinkRefused(append: Bool) throws {
        let directory = Self.directory()
        defer { Self.remove(directory) }
        let target = "\(directory)/target"
        let link = "\(directory)/link.jsonl"
        Self.create(target, "precious\n", mode: 0o600)
        symlink(target, link)
        let error = #expect(throws: InputError.self) { try JSONLWriter(path: link, append: append) }
        #expect(error?.source == link)
        #expect(error?.reason.contains("is a symbolic link") == true)
        #expect(error?.reason.contains("give the real file's path") == true)
        #expect(Self.contents(target) == "precious\n")
    }

    @Test("our own existing file open to others is set to 0600 with a warning, its lines kept when appending")
    func looseModeTightened() throws {
        let directory = Self.directory()
        defer { Self.remove(directory) }
        let path = "\(directory)/loose.jsonl"
        Self.create(path, "{\"old\":1}\n", mode: 0o644)
        let writer = try JSONLWriter(path: path, append: true)
        #expect(Self.mode(path) == 0o600)
        #expect(writer.warnings == ["\(path): had mode 0644, open to other users; changed it to 0600 (it holds prompts and model output)"])
        try writer.writeLine(Array(#"{"new":2}"#.utf8))
        try writer.sync()
        #expect(Self.contents(path) == "{\"old\":1}\n{\"new\":2}\n")

        let owned = "\(directory)/owned.jsonl"
        Self.create(owned, "x\n", mode: 0o600)
        #expect(try JSONLWriter(path: owned).warnings.isEmpty)
    }

    @Test(
        "a file owned by another user is refused and left as it was",
        .enabled(if: geteuid() == 0, "giving a file to another user (chown to uid 65534) needs root"),
        arguments: [false, true])
    func foreignOwnerRefused(append: Bool) throws {
        let directory = Self.directory()
        defer { Self.remove(directory) }
        let path = "\(directory)/planted.jsonl"
        Self.create(path, "theirs\n", mode: 0o666)
        #expect(chown(path, 65534, 65534) == 0)
        let error = #expect(throws: InputError.self) { try JSONLWriter(path: path, append: append) }
        #expect(error?.source == path)
        #expect(error?.reason.contains("belongs to another user (uid 65534)") == true)
        #expect(Self.contents(path) == "theirs\n")
        #expect(Self.mode(path) == 0o666)
    }

    @Test("a directory is refused with a clear message; /dev/null and standard output are written")
    func nonRegularFiles() throws {
        let directory = Self.directory()
        defer { Self.remove(directory) }
        let error = #expect(throws: InputError.self) { try JSONLWriter(path: directory) }
        #expect(error?.reason.contains("is a directory") == true)
        let null = try JSONLWriter(path: "/dev/null", append: true)
        try null.writeLine(Array("{}".utf8))
        try null.sync()
        #expect(null.warnings.isEmpty)
        let standardOutput = try JSONLWriter(path: "-")
        #expect(standardOutput.destination == "<stdout>")
    }
}
