package io.keyway.bootstrap;

import io.micronaut.context.exceptions.ConfigurationException;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Where provider and operator keys may be sent: over {@code https}, or to this machine (tests, local models). An
 * upstream configured otherwise stops Keyway at start with a message naming the property, since plain HTTP would
 * hand every key it carries to the network.
 */
final class UpstreamAddresses {
    private UpstreamAddresses() {
    }

    static URI requireSafe(String property, URI url) {
        String problem = problem(property, url);
        if (problem != null) {
            throw new ConfigurationException(problem);
        }
        return url;
    }

    /** Why keys may not be sent to {@code url}, in one line naming the property; null when they may. */
    static String problem(String property, URI url) {
        if (url == null || url.getHost() == null) {
            return property + " must be an absolute URL with a host, e.g. https://openrouter.ai/api/v1";
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https") || (scheme.equals("http") && isLoopback(url.getHost()))) {
            return null;
        }
        return property + " is " + scheme + "://" + url.getHost()
                + ": upstreams must use https (plain http is allowed only to this machine: localhost, 127.0.0.0/8, ::1, or a "
                + "*.localhost name /etc/hosts maps to loopback), "
                + "because the keys sent there would cross the network in the clear.";
    }

    /**
     * A loopback host, decided without a DNS lookup: the name localhost, a loopback IP literal, or a name under
     * {@code .localhost} that {@code /etc/hosts} maps to loopback addresses only (a resolver may send such a name to
     * DNS, which may answer anything).
     */
    static boolean isLoopback(String host) {
        return isLoopback(host, HOSTS);
    }

    static final Path HOSTS = Path.of("/etc/hosts");

    static boolean isLoopback(String host, Path hostsFile) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.equals("localhost")) {
            return true;
        }
        if (name.endsWith(".localhost")) {
            List<String> addresses = hostsEntries(hostsFile, name);
            return !addresses.isEmpty() && addresses.stream().allMatch(UpstreamAddresses::isLoopbackLiteral);
        }
        return isLoopbackLiteral(name);
    }

    /** The addresses {@code hostsFile} gives {@code name}; none when it is not there or cannot be read. */
    static List<String> hostsEntries(Path hostsFile, String name) {
        List<String> addresses = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(hostsFile)) {
                int comment = line.indexOf('#');
                String[] fields = (comment < 0 ? line : line.substring(0, comment)).trim().split("\\s+");
                for (int i = 1; i < fields.length; i++) {
                    if (fields[i].toLowerCase(Locale.ROOT).equals(name)) {
                        addresses.add(fields[0]);
                    }
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            return List.of();
        }
        return addresses;
    }

    private static boolean isLoopbackLiteral(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        String literal = name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
        if (!literal.matches("[0-9.]+") && !literal.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException notALiteral) {
            return false;
        }
    }
}
