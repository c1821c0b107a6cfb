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

    public static IReadOnlyList<string> All { get; } =
    [
        SignInSucceeded, SignInFailed, SignInLockedOut, SignInThrottled, SignOut, UserCreated, UserDeleted, UserLocked,
        UserUnlocked, UserPasswordReset, RoleGranted, RoleRevoked, SettingsChanged, ApiKeyCreated, ApiKeyRevoked, LogsExported, DatabaseAuditInstalled, DatabaseAuditRemoved,
        DatabaseAuditExported, DataRestored, InvestigationSaved, InvestigationOpened, InvestigationUpdated, InvestigationExported, GuardInstalled, SandboxIncidentPlayed,
    ];
}
