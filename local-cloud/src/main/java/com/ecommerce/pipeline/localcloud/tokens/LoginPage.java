package com.ecommerce.pipeline.localcloud.tokens;

import java.util.Map;

/**
 * The login page (the local stand-in for Cognito's hosted UI): user name and password, the authorization request
 * carried along in hidden fields, so the issuer keeps no state until a code is issued.
 */
final class LoginPage {

    private LoginPage() {}

    static String form(Map<String, String> request, String username, String error) {
        StringBuilder hidden = new StringBuilder();
        for (String name : AuthorizationRequest.PARAMETERS) {
            String value = request.get(name);
            if (value != null) {
                hidden.append("<input type=\"hidden\" name=\"")
                        .append(name)
                        .append("\" value=\"")
                        .append(escape(value))
                        .append("\">\n");
            }
        }
        String message = error == null ? "" : "<p id=\"error\" role=\"alert\">" + escape(error) + "</p>\n";
        return page(
                "Sign in",
                message
                        + "<form method=\"post\" action=\"authorize\">\n"
                        + hidden
                        + "<label>User name <input id=\"username\" name=\"username\" autocomplete=\"username\""
                        + " autofocus required value=\"" + escape(username == null ? "" : username) + "\"></label>\n"
                        + "<label>Password <input id=\"password\" name=\"password\" type=\"password\""
                        + " autocomplete=\"current-password\" required></label>\n"
                        + "<button id=\"sign-in\" type=\"submit\">Sign in</button>\n"
                        + "</form>\n"
                        + "<p class=\"note\">Local stand-in for the Cognito hosted UI, never to be exposed: the users are"
                        + " <code>analyst</code>, <code>admin</code>, <code>ingest</code> and every customer id"
                        + " (e.g. <code>17850</code>); each one's password is its user name.</p>\n");
    }

    static String error(String detail) {
        return page("Cannot sign in", "<p id=\"error\" role=\"alert\">" + escape(detail) + "</p>\n");
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<link rel=\"icon\" href=\"data:,\">\n"
                + "<title>" + title + " · pipeline (local)</title>\n"
                + "<style>body{font-family:system-ui,sans-serif;background:#f5f7fa;color:#1d2733;display:flex;"
                + "justify-content:center;padding-top:10vh}main{background:#fff;border:1px solid #dde3ea;"
                + "border-radius:8px;padding:1.5rem 2rem;width:22rem}form{display:flex;flex-direction:column;gap:.8rem}"
                + "label{display:flex;flex-direction:column;gap:.2rem;font-size:.9rem}input{padding:.4rem;font-size:1rem}"
                + "button{padding:.5rem;font-size:1rem}#error{color:#b00020}.note{font-size:.8rem;color:#566}</style>\n"
                + "</head>\n<body>\n<main>\n<h1>" + title + "</h1>\n" + body + "</main>\n</body>\n</html>\n";
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
