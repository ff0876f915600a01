package io.keyway.bootstrap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * A directory nobody but this user can write, made so or checked before anything in it is run: owned by this process's
 * user, mode 0700, not a symbolic link. One that exists with another owner or looser mode stops the start, naming it,
 * instead of being used or repaired (what another user put there may already be waiting to run).
 */
final class PrivateDirectory {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private PrivateDirectory() {
    }

    static Path require(Path directory) throws IOException {
        Path absolute = directory.toAbsolutePath().normalize();
        if (Files.notExists(absolute, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(absolute.getParent());
            try {
                Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // checked below like any other
            }
            // The umask may have taken bits away, never added them; the check below sees the result.
        }
        if (Files.isSymbolicLink(absolute) || !Files.isDirectory(absolute, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalStateException(absolute + " is not a plain directory; the embedded PostgreSQL will not run binaries from it");
        }
        UserPrincipal me = absolute.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(System.getProperty("user.name"));
        UserPrincipal owner = Files.getOwner(absolute, LinkOption.NOFOLLOW_LINKS);
        if (!owner.equals(me)) {
            throw new IllegalStateException(absolute + " belongs to " + owner.getName() + ", not " + me.getName()
                    + "; the embedded PostgreSQL will not run binaries from it (remove it, or set keyway.data-dir elsewhere and java.io.tmpdir to a private directory)");
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(absolute, LinkOption.NOFOLLOW_LINKS);
        if (!mode.equals(OWNER_ONLY)) {
            throw new IllegalStateException(absolute + " has mode " + PosixFilePermissions.toString(mode)
                    + ", not rwx------; the embedded PostgreSQL will not run binaries from it (remove it, or make it private)");
        }
        return absolute;
    }
}
