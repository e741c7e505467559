import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which file an entry was when it was looked at: the same name with another identity is another file.
struct FileIdentity: Sendable, Hashable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    /// Modification time in nanoseconds since 1970.
    var modified: Int64
}

/// One entry of the watched folder, as `lstat` sees it: a symbolic link is reported as a link, never followed.
struct FolderEntry: Sendable, Hashable {
    enum Kind: String, Sendable, Hashable {
        case regular = "a regular file"
        case directory = "a folder"
        case symbolicLink = "a symbolic link"
        case fifo = "a FIFO"
        case socket = "a socket"
        case device = "a device"
        case other = "of an unknown kind"
    }

    var name: String
    var kind: Kind
    var identity: FileIdentity
}

/// Why a file in the watched folder was not read: it goes to `failed/` with this as its `.error`.
struct FileRefusal: Error, Sendable, CustomStringConvertible {
    var description: String
}

/// The watched folder's blocking file-system work. Every function here blocks, so ``FolderIngest`` runs them on
/// a thread pool, never on Swift's cooperative pool.
enum FolderFiles {
    /// The folder's entries, each examined with `lstat`; entries that vanish meanwhile are left out.
    static func list(_ folder: URL) throws -> [FolderEntry] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().compactMap { name in
            examine(folder.appendingPathComponent(name).path).map { FolderEntry(name: name, kind: $0.kind, identity: $0.identity) }
        }
    }

    /// What `lstat` says about `path`, or `nil` if it is gone.
    static func examine(_ path: String) -> (kind: FolderEntry.Kind, identity: FileIdentity)? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        return (kind(status.st_mode), identity(status))
    }

    /// Why an entry cannot be read as an article file, judged without opening it; `nil` when it may be read.
    static func refusal(for entry: FolderEntry, limit: Int) -> FileRefusal? {
        switch entry.kind {
        case .regular:
            guard entry.identity.size > limit else { return nil }
            return tooLarge(entry.name, entry.identity.size, limit: limit)
        case .symbolicLink:
            return FileRefusal(
                description: "\(entry.name) is a symbolic link; the watched folder does not follow links (rename the "
                    + "file itself into the folder)")
        default:
            return FileRefusal(
                description: "\(entry.name) is not a regular file (\(entry.kind.rawValue)); it was not opened")
        }
    }

    /// Reads a regular file of at most `limit` bytes. Opened without following a link and without waiting (a FIFO
    /// swapped in after the listing is refused, not waited on), checked again once open, and read no further than
    /// the limit even if it grows meanwhile.
    static func read(_ path: String, name: String, limit: Int) throws(FileRefusal) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ELOOP {
                throw FileRefusal(description: "\(name) is a symbolic link; the watched folder does not follow links")
            }
            throw FileRefusal(description: "\(name): cannot open: \(String(cString: strerror(code)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw FileRefusal(description: "\(name): cannot examine: \(String(cString: strerror(errno)))")
        }
        let found = kind(status.st_mode)
        guard found == .regular else {
            throw FileRefusal(description: "\(name) is not a regular file (\(found.rawValue)); it was not read")
        }
        guard Int64(status.st_size) <= Int64(limit) else { throw tooLarge(name, Int64(status.st_size), limit: limit) }
        // One byte more than the limit, to see a file that grew past it since it was examined.
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size) + 1)
        var count = 0
        while count < bytes.count {
            let read = bytes.withUnsafeMutableBytes { buffer in
                systemRead(descriptor, buffer.baseAddress.map { $0 + count }, buffer.count - count)
            }
            if read < 0 {
                if errno == EINTR { continue }
                throw FileRefusal(description: "\(name): cannot read: \(String(cString: strerror(errno)))")
            }
            if read == 0 { break }
            count += read
            if count > limit { throw FileRefusal(description: "\(name) grew past the \(limit)-byte limit while it was read") }
            if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: 64 << 10)) }
        }
        bytes.removeSubrange(count...)
        return bytes
    }

    /// Creates `done/` and `failed/` if they are missing (a failure shows when a file cannot be moved there).
    static func createSubfolders(in folder: URL) {
        for name in ["done", "failed"] {
            try? FileManager.default.createDirectory(at: folder.appendingPathComponent(name), withIntermediateDirectories: true)
        }
    }

    /// Renames `name` into `folder/subfolder`, never over an earlier entry of the same name (a link included: the
    /// check does not follow links); returns the name it got there.
    static func move(_ name: String, in folder: URL, to subfolder: String) throws -> String {
        let target = folder.appendingPathComponent(subfolder)
        var moved = name
        var counter = 1
        while examine(target.appendingPathComponent(moved).path) != nil {
            moved = "\(name).\(counter)"
            counter += 1
        }
        guard rename(folder.appendingPathComponent(name).path, target.appendingPathComponent(moved).path) == 0 else {
            throw FileRefusal(description: String(cString: strerror(errno)))
        }
        return moved
    }

    /// Writes why a file failed beside it in `failed/`.
    static func writeReason(_ reason: String, for movedName: String, in folder: URL) throws {
        try Data((reason + "\n").utf8).write(to: folder.appendingPathComponent("failed/\(movedName).error"))
    }

    private static func tooLarge(_ name: String, _ size: Int64, limit: Int) -> FileRefusal {
        FileRefusal(description: "\(name): \(size) bytes is over the \(limit)-byte limit; the file was not read")
    }

    private static func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.read(descriptor, buffer, count)
        #else
        Darwin.read(descriptor, buffer, count)
        #endif
    }

    private static func kind(_ mode: mode_t) -> FolderEntry.Kind {
        switch mode & S_IFMT {
        case S_IFREG: .regular
        case S_IFDIR: .directory
        case S_IFLNK: .symbolicLink
        case S_IFIFO: .fifo
        case S_IFSOCK: .socket
        case S_IFCHR, S_IFBLK: .device
        default: .other
        }
    }

    private static func identity(_ status: stat) -> FileIdentity {
        #if canImport(Glibc)
        let modified = status.st_mtim
        #else
        let modified = status.st_mtimespec
        #endif
        return FileIdentity(
            device: UInt64(status.st_dev), inode: UInt64(status.st_ino), size: Int64(status.st_size),
            modified: Int64(modified.tv_sec) * 1_000_000_000 + Int64(modified.tv_nsec))
    }
}
