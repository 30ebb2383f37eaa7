package com.ecommerce.pipeline.query.web;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * {@code GET /dashboard}: the BI page (static {@code dashboard.html} with Chart.js from its WebJar),
 * which calls the analytics API from the browser.
 */
@Controller
class DashboardController {

    @GetMapping("/dashboard")
    String dashboard() {
        return "forward:/dashboard.html";
    }
}
