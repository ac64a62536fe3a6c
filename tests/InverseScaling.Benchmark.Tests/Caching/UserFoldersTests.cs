using InverseScaling.Benchmark.Caching;

namespace InverseScaling.Benchmark.Tests.Caching;

/// <summary>The cache and the signing key live in the user's folders, never in a checkout unless named.</summary>
public sealed class UserFoldersTests
{
    [Fact]
    public void The_cache_follows_xdg_cache_home_else_the_home_folder()
    {
        Assert.Equal("/srv/cache/inverse-scaling", UserFolders.Cache(Env(("XDG_CACHE_HOME", "/srv/cache"), ("HOME", "/home/ada"))));
        Assert.Equal("/home/ada/.cache/inverse-scaling", UserFolders.Cache(Env(("HOME", "/home/ada"))));
        // A relative XDG value is invalid by the spec and ignored.
        Assert.Equal("/home/ada/.cache/inverse-scaling", UserFolders.Cache(Env(("XDG_CACHE_HOME", "repo/.cache"), ("HOME", "/home/ada"))));
    }

    [Fact]
    public void The_key_file_is_named_by_its_variable_else_under_the_config_folder()
    {
        Assert.Equal("/keys/isb.key", UserFolders.KeyFile(Env((UserFolders.KeyVariable, "/keys/isb.key"), ("HOME", "/home/ada"))));
        Assert.Equal("/etc/xdg-ada/inverse-scaling/key", UserFolders.KeyFile(Env(("XDG_CONFIG_HOME", "/etc/xdg-ada"), ("HOME", "/home/ada"))));
        Assert.Equal("/home/ada/.config/inverse-scaling/key", UserFolders.KeyFile(Env(("HOME", "/home/ada"))));
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;
}
