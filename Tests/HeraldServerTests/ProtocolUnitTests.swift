import HeraldProtocol
@testable import HeraldServer
import NIOConcurrencyHelpers
import NIOCore
import Testing

@Suite("Protocol pieces")
struct ProtocolUnitTests {
    @Test(
        "rule globs",
        arguments: [
            ("*", "cn-us-ai-team", true), ("cn-*", "cn-us-ai-team", true), ("cn-*", "us-cn", false),
            ("*-team", "cn-us-ai-team", true), ("cn-??-ai-team", "cn-us-ai-team", true), ("cn-?-*", "cn-us-x", false),
            ("CN-*", "cn-x", true), ("a*b*c", "aXbYc", true), ("a*b*c", "aXbY", false), ("", "", true),
            ("exact", "exact", true), ("exact", "exactly", false), ("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaa", false),
        ])
    func globs(pattern: String, id: String, matches: Bool) {
        #expect(RuleGlob(pattern).matches(id) == matches)
    }

    @Test("globs differing only in case are the same subscription")
    func globIdentity() {
        #expect(RuleGlob("CN-*") == RuleGlob("cn-*"))
        #expect(RuleGlob("*").matchesEverything)
        #expect(!RuleGlob("cn-*").matchesEverything)
    }

    @Test("severity ladder")
    func severities() {
        #expect(SeverityLevel(name: "HIGH") == .high)
        #expect(SeverityLevel(name: "urgent") == nil)
        #expect(SeverityLevel.info < .low && SeverityLevel.high < .critical)
    }

    @Test("subscription sets: add, replace, limit, remove")
    func subscriptionSet() throws {
        var set = SubscriptionSet(limit: 2)
        try set.add(SubscriptionRequest(globs: [RuleGlob("a-*")], minimumSeverity: .high))
        let replaced = try set.add(SubscriptionRequest(globs: [RuleGlob("A-*"), RuleGlob("b-*")], tag: "x"))
        #expect(replaced == 1)
        #expect(set.count == 2)
        #expect(set.subscriptions[0].minimumSeverity == nil)
        #expect(set.subscriptions[0].tag == "x")
        #expect(throws: ProtocolError.self) { try set.add(SubscriptionRequest(globs: [RuleGlob("c-*")])) }
        #expect(set.count == 2)
        #expect(set.remove(["b-*"]) == ["b-*"])
        #expect(set.remove(["zzz"]) == [])
        #expect(set.remove(["*"]) == ["A-*"])
        #expect(set.count == 0)
    }

    @Test("ARTICLE collection: dot-stuffing, terminator, limits, invalid UTF-8")
    func articleCollector() {
        var collector = ArticleCollector(maximumBytes: 1000)
        for line in ["Title", "..", "...x", ".NET stays", "body"] {
            #expect(collector.feed(ByteBuffer(string: line)) == .needMore)
        }
        #expect(collector.feed(ByteBuffer(string: ".")) == .complete(.success("Title\n.\n..x\n.NET stays\nbody\n")))

        var small = ArticleCollector(maximumBytes: 8)
        _ = small.feed(ByteBuffer(string: "123456789"))
        guard case .complete(.failure(let error)) = small.feed(ByteBuffer(string: ".")) else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == .articleTooLarge)

        var invalid = ArticleCollector(maximumBytes: 100)
        _ = invalid.feed(ByteBuffer(string: "ok"))
        _ = invalid.feed(ByteBuffer(bytes: [0xFF]))
        guard case .complete(.failure(let utf8Error)) = invalid.feed(ByteBuffer(string: ".")) else {
            Issue.record("expected a failure")
            return
        }
        #expect(utf8Error.code == .invalidUTF8)
        #expect(utf8Error.message.contains("line 2"))
    }

    @Test(
        "text commands parse",
        arguments: [
            ("SUB a-* b-* severity>=HIGH tag=China", Command.subscribe(SubscriptionRequest(
                globs: [RuleGlob("a-*"), RuleGlob("b-*")], minimumSeverity: .high, tag: "china"))),
            ("sub severity-*", Command.subscribe(SubscriptionRequest(globs: [RuleGlob("severity-*")]))),
            ("  unsub  a-*  ", Command.unsubscribe(["a-*"])),
            ("Subs", Command.listSubscriptions),
            ("RULES", Command.listRules),
            ("PING  hello there ", Command.ping(token: "hello there")),
            ("quit", Command.quit),
            ("HELP Sub", Command.help(topic: "sub")),
            ("ARTICLE", Command.beginArticle),
        ])
    func textCommands(line: String, command: Command) throws {
        #expect(try CommandParser().parse(line) == Request(command))
    }

    @Test("blank lines parse to nothing")
    func blank() throws {
        #expect(try CommandParser().parse("") == nil)
        #expect(try CommandParser().parse(" \t ") == nil)
    }

    @Test("server lines are one JSON object each, escaped, ending in a newline")
    func serverMessages() {
        let error = ServerMessage.error(
            ProtocolError(.unknownCommand, "bad \"quote\"\n\u{1}", suggestion: "SUB"), command: "x", ref: "r")
        let text = String(buffer: error)
        #expect(
            text
                == #"{"type":"error","code":"unknown_command","message":"bad \"quote\"\n\u0001","command":"x","suggestion":"SUB","ref":"r"}"#
                + "\n")
        #expect(String(buffer: ServerMessage.pong(token: nil, ref: nil)) == "{\"type\":\"pong\"}\n")
    }

    /// Everything the outbox holds, as the writer would take it, and whether it is closed.
    static func take(_ outbox: Outbox) -> (lines: [String], closed: Bool) {
        var batch = CircularBuffer<ByteBuffer>()
        let closed = outbox.take(into: &batch)
        return (batch.map { String(buffer: $0) }, closed)
    }

    @Test("outbox: limit, overflow, close with a final line, discard")
    func outbox() {
        let outbox = Outbox(limit: 10)
        outbox.attachConsumer {}
        #expect(outbox.enqueue(ByteBuffer(string: "123456")) == .queued)
        #expect(outbox.enqueue(ByteBuffer(string: "123456")) == .overflow)
        #expect(outbox.enqueue(ByteBuffer(string: "1234")) == .queued)
        #expect(Self.take(outbox).lines == ["123456", "1234"])
        // An empty queue takes one line of any size.
        #expect(outbox.enqueue(ByteBuffer(string: String(repeating: "x", count: 50))) == .queued)
        #expect(outbox.close(finalLine: ByteBuffer(string: "bye"), discardingPending: true))
        #expect(!outbox.close())
        #expect(outbox.enqueue(ByteBuffer(string: "late")) == .closed)
        #expect(Self.take(outbox) == (["bye"], true))
        #expect(Self.take(outbox) == ([], true))
    }

    @Test("outbox: the consumer is kicked once per burst, again after it takes, and on close")
    func outboxKicks() {
        let outbox = Outbox(limit: 100)
        let kicks = NIOLockedValueBox(0)
        outbox.attachConsumer { kicks.withLockedValue { $0 += 1 } }
        #expect(kicks.withLockedValue { $0 } == 0)
        outbox.enqueue(ByteBuffer(string: "a"))
        outbox.enqueue(ByteBuffer(string: "b"))
        #expect(kicks.withLockedValue { $0 } == 1)
        #expect(Self.take(outbox).lines.count == 2)
        outbox.close()
        #expect(kicks.withLockedValue { $0 } == 2)
        #expect(Self.take(outbox) == ([], true))
    }

    @Test(
        "JSON commands parse, with id as ref",
        arguments: [
            (#"{"cmd":"sub","rules":"a-*","severity":"LOW","tag":"X","id":3}"#, Request(
                .subscribe(SubscriptionRequest(globs: [RuleGlob("a-*")], minimumSeverity: .low, tag: "x")), ref: "3")),
            (#"{"cmd":"UNSUB","rules":["a-*","b-*"]}"#, Request(.unsubscribe(["a-*", "b-*"]))),
            (#"{"cmd":"ping","id":"r1"}"#, Request(.ping(token: nil), ref: "r1")),
            (#" {"cmd":"quit"} "#, Request(.quit)),
            (#"{"cmd":"help","topic":"SUB"}"#, Request(.help(topic: "sub"))),
        ])
    func jsonCommands(line: String, request: Request) throws {
        #expect(try CommandParser().parse(line) == request)
    }

    @Test("a JSON pub carries the parsed article")
    func jsonPub() throws {
        let request = try CommandParser().parse(#"{"cmd":"pub","article":{"id":"a1","title":"T","body":"B"}}"#)
        guard case .publish(let article, let form)? = request?.command else {
            Issue.record("not a publish: \(String(describing: request))")
            return
        }
        #expect(form == .pub)
        #expect(article.id == "a1")
        #expect(article.title == "T")
    }

    @Test("did-you-mean suggestions stay plausible")
    func suggestions() {
        #expect(CommandParser.unknownCommandSuggestion("SBU") == "SUB")
        #expect(CommandParser.unknownCommandSuggestion("unsbu") == "UNSUB")
        #expect(CommandParser.unknownCommandSuggestion("x") == nil)
        #expect(CommandParser.unknownCommandSuggestion("hello") == "HELP")
        #expect(CommandParser.unknownCommandSuggestion("subscribe") == nil)
    }
}
