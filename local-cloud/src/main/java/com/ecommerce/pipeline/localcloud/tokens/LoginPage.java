package com.ecommerce.pipeline.localcloud.tokens;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.web.csrf.CsrfToken;

/**
 * The issuer's only pages (the local stand-in for Cognito's hosted UI): the login form Spring Security's form login
 * posts back to ({@code GET /login}, {@code ?error} after a wrong password), and the error page the authorization
 * endpoint's refusals render (a bad client or redirect URI is a 400 page, never a redirect). Anything else is 404.
 */
final class LoginPage extends HttpServlet {

    static final String PATH = "/login";
    static final String ERROR_PATH = "/error";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Cache-Control", "no-store");
        if (request.getDispatcherType() == DispatcherType.ERROR) {
            Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
            Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
            send(response, status instanceof Integer s ? s : 500, error(message == null ? "" : message.toString()));
        } else if (PATH.equals(request.getServletPath()) && "GET".equals(request.getMethod())) {
            CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
            String failed = request.getParameter("error") != null ? "Wrong user name or password." : null;
            send(response, 200, form(csrf, failed));
        } else {
            send(
                    response,
                    404,
                    page("Not found", "<p id=\"error\" role=\"alert\">The token issuer has no page here.</p>\n"));
        }
    }

    private static void send(HttpServletResponse response, int status, String page) throws IOException {
        response.setStatus(status);
        response.setContentType("text/html;charset=utf-8");
        response.getWriter().write(page);
    }

    static String form(CsrfToken csrf, String error) {
        String hidden = csrf == null
                ? ""
                : "<input type=\"hidden\" name=\"" + escape(csrf.getParameterName()) + "\" value=\""
                        + escape(csrf.getToken()) + "\">\n";
        String message = error == null ? "" : "<p id=\"error\" role=\"alert\">" + escape(error) + "</p>\n";
        return page(
                "Sign in",
                message
                        + "<form method=\"post\" action=\"login\">\n"
                        + hidden
                        + "<label>User name <input id=\"username\" name=\"username\" autocomplete=\"username\""
                        + " autofocus required></label>\n"
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
