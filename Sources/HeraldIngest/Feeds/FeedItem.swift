/// One item of an RSS 2.0 or Atom feed, as text.
public struct FeedItem: Sendable, Equatable {
    /// The item's guid (RSS) or id (Atom), else its link, else its title: what "already seen" is keyed on.
    public var key: String
    public var title: String
    public var link: String?
    /// The content, else the summary or description, with HTML reduced to text.
    public var text: String
    /// ISO-8601 UTC when the feed's date parsed; nil when it was missing or unreadable.
    public var published: String?
}
