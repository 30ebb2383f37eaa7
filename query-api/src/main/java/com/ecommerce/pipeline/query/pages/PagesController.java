package com.ecommerce.pipeline.query.pages;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The browser pages, static HTML whose scripts call the JSON API with the session's login ({@link PageSecurity}):
 * {@code /dashboard} (BI charts, Chart.js from its WebJar) and {@code /purchases} (a customer's invoices).
 */
@Controller
class PagesController {

    @GetMapping("/dashboard")
    String dashboard() {
        return "forward:/dashboard.html";
    }

    @GetMapping("/purchases")
    String purchases() {
        return "forward:/purchases.html";
    }
}
