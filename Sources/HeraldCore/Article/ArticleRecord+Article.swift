import Foundation
import HeraldArticle
import HeraldStore

extension ArticleRecord {
    /// What the store keeps of `article`; its text too when `archiving` (the server's `[archive]`).
    public init(_ article: Article, receivedAt: Date, archiving: Bool = false) {
        self.init(
            contentID: article.contentID, id: article.id, title: article.title, source: article.source,
            url: article.url, published: article.published, receivedAt: receivedAt,
            body: archiving ? article.body : nil)
    }
}

extension ArchivedArticle {
    /// The article as it was published, to match again.
    public var article: Article {
        Article(
            id: record.id, title: record.title, body: body, source: record.source, url: record.url,
            published: record.published)
    }
}
