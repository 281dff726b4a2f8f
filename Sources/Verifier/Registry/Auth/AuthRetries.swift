/// What has been tried for one image after the registry refused it: each remedy once.
///
/// The driver keeps one per image (a new one for each image) and hands it to
/// ``AuthSession/rejected(_:status:wwwAuthenticate:sent:retries:now:)``.
struct AuthRetries: Sendable, Equatable {
    /// A fresh token was asked for (after `insufficient_scope`, `invalid_token`, an expired
    /// token, or a changed challenge).
    var tokenRenewed = false
    /// The credential helper was run again (or another image's new run was waited for).
    var credentialsRefreshed = false

    init() {}
}
