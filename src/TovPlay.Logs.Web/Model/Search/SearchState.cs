using Microsoft.AspNetCore.Components;

namespace TovPlay.Logs.Web.Model.Search;

/// <summary>A search as its address holds it, so a view can be shared, bookmarked, and walked with back and forward.</summary>
public sealed record SearchState(string? Query, string? From, string? To, string? Direction, int? Limit, string? Columns)
{
    /// <summary>The address of this search on the Search page.</summary>
    public string ToUri(NavigationManager navigation) =>
        navigation.GetUriWithQueryParameters(navigation.ToAbsoluteUri("search").ToString(), new Dictionary<string, object?>
        {
            ["query"] = Query,
            ["from"] = From,
            ["to"] = To,
            ["direction"] = Direction is null or "" or "backward" ? null : Direction,
            ["limit"] = Limit == SearchViewModel.DefaultLimit ? null : Limit,
            ["columns"] = string.IsNullOrEmpty(Columns) ? null : Columns,
        });
}
