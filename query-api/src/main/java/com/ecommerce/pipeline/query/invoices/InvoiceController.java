package com.ecommerce.pipeline.query.invoices;

import com.ecommerce.pipeline.dynamostore.InvoiceReader;
import com.ecommerce.pipeline.dynamostore.InvoiceSummary;
import com.ecommerce.pipeline.query.QueryProperties;
import com.ecommerce.pipeline.query.access.Caller;
import com.ecommerce.pipeline.query.web.BadParameterException;
import com.ecommerce.pipeline.query.web.NotFoundException;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Customer-facing reads from DynamoDB through dynamo-store's {@link InvoiceReader}: an invoice's items
 * (one Query) and a customer's purchase history (one Query, paged here). An
 * invoice the caller may not read is answered exactly like an unknown one (404), so a customer
 * cannot even learn that another customer's invoice exists; another customer's history is 403.
 */
@RestController
class InvoiceController {

    private final InvoiceReader reader;
    private final Caller caller;
    private final QueryProperties properties;

    InvoiceController(InvoiceReader reader, Caller caller, QueryProperties properties) {
        this.reader = reader;
        this.caller = caller;
        this.properties = properties;
    }

    @GetMapping("/invoices/{invoiceNo}")
    Invoice invoice(@PathVariable String invoiceNo) {
        return reader.invoice(invoiceNo)
                .filter(stored -> stored.customerIds().stream().anyMatch(caller::mayRead))
                .map(Invoice::of)
                .orElseThrow(() -> unknownInvoice(invoiceNo));
    }

    @GetMapping("/customers/{customerId}/invoices")
    CustomerInvoices customerInvoices(
            @PathVariable String customerId,
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(required = false) Integer size) {
        int pageSize = size == null ? properties.defaultPageSize() : size;
        if (page < 0) {
            throw new BadParameterException("page", "must be 0 or more");
        }
        if (pageSize < 1 || pageSize > properties.maxPageSize()) {
            throw new BadParameterException("size", "must be between 1 and " + properties.maxPageSize());
        }
        if (!caller.mayRead(customerId)) {
            throw new ErrorResponseException(
                    HttpStatus.FORBIDDEN,
                    ProblemDetail.forStatusAndDetail(
                            HttpStatus.FORBIDDEN, "Not allowed to read this customer's invoices"),
                    null);
        }
        List<InvoiceSummary> all = reader.customerInvoices(customerId);
        if (all.isEmpty()) {
            throw new NotFoundException("No invoices for customer " + customerId);
        }
        return CustomerInvoices.page(customerId, all, page, pageSize);
    }

    @GetMapping("/customers/{customerId}/invoices/{invoiceNo}")
    Invoice customerInvoice(@PathVariable String customerId, @PathVariable String invoiceNo) {
        if (!caller.mayRead(customerId)) {
            throw unknownInvoice(invoiceNo);
        }
        return reader.invoice(invoiceNo)
                .filter(stored -> stored.customerIds().contains(customerId))
                .map(Invoice::of)
                .orElseThrow(() -> unknownInvoice(invoiceNo));
    }

    private static NotFoundException unknownInvoice(String invoiceNo) {
        return new NotFoundException("No invoice " + invoiceNo);
    }
}
