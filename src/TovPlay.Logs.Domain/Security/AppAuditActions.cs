namespace TovPlay.Logs.Domain.Security;

/// <summary>
/// The verbs of the app's own audit trail. They are stored as text, so they never change once shipped:
/// an investigator filtering last year's events must find them under the same name.
/// </summary>
public static class AppAuditActions
{
    public const string SignInSucceeded = "sign-in.succeeded";
    public const string SignInFailed = "sign-in.failed";
    public const string SignInLockedOut = "sign-in.locked-out";
    public const string SignInThrottled = "sign-in.throttled";
    public const string SignOut = "sign-out";
    public const string UserCreated = "user.created";
    public const string UserDeleted = "user.deleted";
    public const string UserLocked = "user.locked";
    public const string UserUnlocked = "user.unlocked";
    public const string UserPasswordReset = "user.password-reset";
    public const string RoleGranted = "role.granted";
    public const string RoleRevoked = "role.revoked";
    public const string SettingsChanged = "settings.changed";
    public const string ApiKeyCreated = "api-key.created";
    public const string ApiKeyRevoked = "api-key.revoked";
    public const string LogsExported = "logs.exported";
    public const string DatabaseAuditInstalled = "database-audit.installed";
    public const string DatabaseAuditRemoved = "database-audit.removed";
    public const string DatabaseAuditExported = "database-audit.exported";
    public const string DataRestored = "database-audit.restored";
    public const string InvestigationSaved = "investigation.saved";
    public const string InvestigationOpened = "investigation.opened";
    public const string InvestigationUpdated = "investigation.updated";
    public const string InvestigationExported = "investigation.exported";
    public const string GuardInstalled = "mass-change-guard.installed";
    public const string SandboxIncidentPlayed = "sandbox.incident-played";
    public const string AlertRuleSaved = "alert-rule.saved";
    public const string AlertRuleDeleted = "alert-rule.deleted";
    public const string ContactPointSaved = "contact-point.saved";
    public const string ContactPointDeleted = "contact-point.deleted";
    public const string ContactPointTested = "contact-point.tested";
    public const string NotificationPoliciesSaved = "notification-policies.saved";
    public const string SilenceCreated = "silence.created";
    public const string SilenceExpired = "silence.expired";
    public const string MuteTimingSaved = "mute-timing.saved";
    public const string MuteTimingDeleted = "mute-timing.deleted";
    public const string AlertingImported = "alerting.imported";
    public const string AlertingExported = "alerting.exported";
    public const string DeadLetterRetried = "notification.retried";
    public const string BackendCancelled = "database.backend-cancelled";
    public const string BackendTerminated = "database.backend-terminated";

    public static IReadOnlyList<string> All { get; } =
    [
        SignInSucceeded, SignInFailed, SignInLockedOut, SignInThrottled, SignOut, UserCreated, UserDeleted, UserLocked,
        UserUnlocked, UserPasswordReset, RoleGranted, RoleRevoked, SettingsChanged, ApiKeyCreated, ApiKeyRevoked, LogsExported, DatabaseAuditInstalled, DatabaseAuditRemoved,
        DatabaseAuditExported, DataRestored, InvestigationSaved, InvestigationOpened, InvestigationUpdated, InvestigationExported, GuardInstalled, SandboxIncidentPlayed,
        AlertRuleSaved, AlertRuleDeleted, ContactPointSaved, ContactPointDeleted, ContactPointTested, NotificationPoliciesSaved, SilenceCreated, SilenceExpired,
        MuteTimingSaved, MuteTimingDeleted, AlertingImported, AlertingExported, DeadLetterRetried, BackendCancelled, BackendTerminated,
    ];
}
