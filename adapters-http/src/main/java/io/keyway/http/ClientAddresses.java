package io.keyway.http;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import io.micronaut.http.HttpRequest;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The client address a request is counted under by {@link FailedAuthentications}: the connection's peer, unless the
 * peer is one of the operator's trusted proxies ({@code keyway.auth-failures.trusted-proxies}, addresses or CIDRs); then
 * the forwarded header's values are read from the right, past every trusted proxy, and the first other value is the
 * client. Each value must parse as an IP address (no name is ever resolved); one that does not stops the walk and the
 * nearest trusted hop is used. IPv6 addresses are counted by their /64, the block one subscriber usually holds, so
 * that walking through a block's addresses gains nothing. A client that writes the header itself writes only values to
 * the left of what its proxy appends, which the walk never reaches.
 */
@Singleton
final class ClientAddresses {
    private final String header;
    private final List<IpSubnetFilterRule> trusted;

    /**
     * @param header         the forwarded header (e.g. {@code X-Forwarded-For}); null or blank: the peer always
     * @param trustedProxies addresses or CIDRs ({@code 10.0.0.0/8}, {@code fd00::/8}) whose header is believed
     */
    ClientAddresses(@Value("${keyway.auth-failures.client-address-header:X-Forwarded-For}") String header,
                    @Value("${keyway.auth-failures.trusted-proxies:}") List<String> trustedProxies) {
        this.header = header == null || header.isBlank() ? null : header.strip();
        List<IpSubnetFilterRule> rules = new ArrayList<>();
        for (String proxy : trustedProxies) {
            if (!proxy.isBlank()) {
                rules.add(rule(proxy));
            }
        }
        this.trusted = List.copyOf(rules);
    }

    /** A trusted-proxy entry as a rule; throws {@link IllegalArgumentException} naming what is wrong with it. */
    static IpSubnetFilterRule rule(String entry) {
        String text = entry.strip();
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        InetAddress parsed = NetUtil.createInetAddressFromIpAddressString(address);
        if (parsed == null) {
            throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR block");
        }
        int bits = parsed instanceof Inet4Address ? 32 : 128;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException notANumber) {
                throw new IllegalArgumentException("'" + entry + "' has no prefix length after its /");
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + entry + "' has a prefix length outside 0-" + bits);
            }
        }
        return new IpSubnetFilterRule(parsed, prefix, IpFilterRuleType.ACCEPT);
    }

    /** The key the request's client is counted under: an IPv4 address, or an IPv6 /64 such as {@code 2001:db8:0:1::/64}. */
    String of(HttpRequest<?> request) {
        InetSocketAddress peer = request.getRemoteAddress();
        if (header == null || trusted.isEmpty() || !trusted(peer)) {
            return key(peer.getAddress());
        }
        return of(peer, request.getHeaders().getAll(header));
    }

    /** The key for a request from {@code peer} that carried these lines of the forwarded header, in order. */
    String of(InetSocketAddress peer, List<String> forwarded) {
        if (header == null || trusted.isEmpty() || !trusted(peer)) {
            return key(peer.getAddress());
        }
        List<String> values = new ArrayList<>();
        for (String line : forwarded) {
            for (String value : line.split(",")) {
                values.add(value.strip());
            }
        }
        InetAddress nearest = peer.getAddress();
        for (int i = values.size() - 1; i >= 0; i--) {
            InetAddress hop = parse(values.get(i));
            if (hop == null) {
                break;
            }
            if (!trusted(new InetSocketAddress(hop, 0))) {
                return key(hop);
            }
            nearest = hop;
        }
        return key(nearest);
    }

    private boolean trusted(InetSocketAddress address) {
        for (IpSubnetFilterRule rule : trusted) {
            if (rule.matches(address)) {
                return true;
            }
        }
        return false;
    }

    /** An IP address as a forwarded header writes it ({@code 203.0.113.7}, {@code 2001:db8::1}, {@code [2001:db8::1]}), or null. */
    private static InetAddress parse(String value) {
        String text = value.startsWith("[") && value.endsWith("]") ? value.substring(1, value.length() - 1) : value;
        if (text.isEmpty() || text.length() > 45) {
            return null;
        }
        return NetUtil.createInetAddressFromIpAddressString(text);
    }

    static String key(InetAddress address) {
        if (address instanceof Inet6Address six) {
            byte[] bytes = six.getAddress();
            StringBuilder key = new StringBuilder(24);
            for (int i = 0; i < 8; i += 2) {
                key.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
            }
            return key.append(":/64").toString();
        }
        return address.getHostAddress();
    }
}
