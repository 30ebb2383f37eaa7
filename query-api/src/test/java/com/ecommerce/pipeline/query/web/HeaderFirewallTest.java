package com.ecommerce.pipeline.query.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/** The fast header checks reject and pass exactly what Spring Security's StrictHttpFirewall does. */
class HeaderFirewallTest {

    private final HttpFirewall strict = new StrictHttpFirewall();
    private final HttpFirewall fast = new HeaderFirewall().httpFirewall();

    @Test
    void headerNamesAndValuesAreJudgedAsByTheStrictFirewall() {
        List<String> samples = new ArrayList<>();
        for (char c = 0; c < 0x3000; c++) {
            samples.add("ab" + c + "cd");
        }
        samples.addAll(List.of(
                "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbmFseXN0In0.c2lnbmF0dXJl",
                "a\tb",
                "\u0378", // unassigned
                "\uD83D\uDE00", // a surrogate pair, assigned
                "x\uD800y", // a lone surrogate
                "\uFFFF",
                "caf\u00e9",
                "line\nbreak",
                ""));
        Random random = new Random(13);
        for (int i = 0; i < 2000; i++) {
            char[] chars = new char[1 + random.nextInt(20)];
            for (int j = 0; j < chars.length; j++) {
                chars[j] = (char) (random.nextBoolean() ? 0x20 + random.nextInt(0x5f) : random.nextInt(0x10000));
            }
            samples.add(new String(chars));
        }
        int rejected = 0;
        for (String s : samples) {
            boolean value = passesValue(strict, s);
            assertThat(passesValue(fast, s)).as("value %s", escaped(s)).isEqualTo(value);
            assertThat(passesName(fast, s)).as("name %s", escaped(s)).isEqualTo(passesName(strict, s));
            rejected += value ? 0 : 1;
        }
        assertThat(rejected).as("values the strict firewall rejects").isGreaterThan(100);
    }

    private static boolean passesValue(HttpFirewall firewall, String value) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/invoices/1");
        request.addHeader("X-Test", value);
        try {
            firewall.getFirewalledRequest(request).getHeader("X-Test");
            return true;
        } catch (RequestRejectedException e) {
            return false;
        }
    }

    private static boolean passesName(HttpFirewall firewall, String name) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/invoices/1");
        try {
            firewall.getFirewalledRequest(request).getHeader(name);
            return true;
        } catch (RequestRejectedException e) {
            return false;
        }
    }

    private static String escaped(String s) {
        StringBuilder out = new StringBuilder();
        s.chars()
                .forEach(
                        c -> out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return out.toString();
    }
}
