package io.keyway.bootstrap;

import io.micronaut.context.exceptions.ConfigurationException;

import java.net.InetAddress;
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
                + ": upstreams must use https (plain http is allowed only to this machine: localhost, 127.0.0.0/8, ::1), "
                + "because the keys sent there would cross the network in the clear.";
    }

    /** A loopback host, decided without a DNS lookup: the name localhost or a loopback IP literal. */
    static boolean isLoopback(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            return true;
        }
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
