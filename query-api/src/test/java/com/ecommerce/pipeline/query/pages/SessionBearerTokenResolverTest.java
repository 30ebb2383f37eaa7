package com.ecommerce.pipeline.query.pages;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/** The header's token, read without the expression, is what Spring Security's resolver reads, whenever it is found. */
class SessionBearerTokenResolverTest {

    private final DefaultBearerTokenResolver spring = new DefaultBearerTokenResolver();

    @Test
    void aTokenFoundIsTheDefaultResolversAndEveryAsciiTokenItAcceptsIsFound() {
        List<String> headers = new ArrayList<>();
        for (String scheme : List.of("Bearer ", "bearer ", "BEARER ", "Bearer  ", "Bearer", "Basic ", "Bearer\t", "")) {
            for (char c = 0; c < 0x180; c++) {
                headers.add(scheme + "eyJh" + c + "bGc");
                headers.add(scheme + c + "abc");
                headers.add(scheme + "abc" + c);
                headers.add(scheme + "abc==" + c);
            }
            headers.add(scheme + "abc==");
            headers.add(scheme + "=");
            headers.add(scheme + "a=b");
        }
        headers.add("Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbmFseXN0In0.c2lnbmF0dXJl");
        int found = 0;
        for (String header : headers) {
            String expected = spring(header);
            String token = SessionBearerTokenResolver.wellFormedHeaderToken(header);
            if (token != null) {
                assertThat(token).as(header).isEqualTo(expected);
                found++;
            } else if (header.chars().allMatch(c -> c < 0x80)) {
                assertThat(expected).as("ASCII the default accepts: %s", header).isNull();
            }
        }
        assertThat(found).isGreaterThan(100);
        assertThat(SessionBearerTokenResolver.wellFormedHeaderToken(null)).isNull();
    }

    /** The default resolver's token, or null when it finds none or refuses the header. */
    private String spring(String authorization) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/invoices/1");
        request.addHeader("Authorization", authorization);
        try {
            return spring.resolve(request);
        } catch (OAuth2AuthenticationException e) {
            return null;
        }
    }
}
