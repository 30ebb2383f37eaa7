/*
 * The "Pipeline" view of the health console: the whole suite on one page. A Spring Boot Admin UI extension in
 * plain JavaScript (no build step): Vue's render functions, from the Vue that Spring Boot Admin's UI puts on
 * globalThis. Every 5 s it reads each registered service's /actuator/health and /actuator/info through Spring Boot
 * Admin's own proxy (instances/{id}/actuator/...), so it shows what the services say now, not a cached status.
 */
/* global SBA, Vue */
(function () {
  const { h, ref, onMounted, onBeforeUnmount } = Vue;

  /** The services in the order data flows through them. */
  const ORDER = ['ingest-service', 's3-archiver', 'dynamo-writer', 'warehouse-loader', 'query-api'];
  /** Health components shown elsewhere (the consumer) or saying nothing about a dependency. */
  const NOT_DEPENDENCIES = ['ping', 'livenessState', 'readinessState', 'kinesisConsumer'];
  const REFRESH_MS = 5000;

  async function actuator(instanceId, endpoint) {
    const response = await fetch(`instances/${encodeURIComponent(instanceId)}/actuator/${endpoint}`, {
      headers: { Accept: 'application/json' },
    });
    const type = response.headers.get('Content-Type') || '';
    if (!type.includes('json')) {
      throw new Error(`HTTP ${response.status}`);
    }
    return response.json(); // a DOWN health answers 503 with its JSON body
  }

  // Spring Boot Admin 4.0.0's proxy answers a health in its own wrapping: {status, details: {components: {details:
  // {NAME: {status, details: {details: {...}}}}}}}; a service asked directly answers {status, components: {NAME:
  // {status, details: {...}}}}. Both are read.
  const unwrap = (o) => {
    while (o && typeof o === 'object' && !Array.isArray(o) && Object.keys(o).length === 1 && 'details' in o) {
      o = o.details;
    }
    return o;
  };
  const componentsOf = (health) =>
    (health && (health.components || (health.details && unwrap(health.details.components)))) || {};
  const detailsOf = (component) => unwrap(component && component.details) || {};

  const number = (v) => (v === undefined || v === null ? '—' : Number(v).toLocaleString('en-US'));

  function statusBadge(status) {
    return h('span', { class: `pipeline-status pipeline-status-${(status || 'UNKNOWN').toLowerCase()}` }, status || 'UNKNOWN');
  }

  function dependencies(health) {
    const components = componentsOf(health);
    const names = Object.keys(components).filter((n) => !NOT_DEPENDENCIES.includes(n));
    if (names.length === 0) {
      return '—';
    }
    return names.map((n) =>
      h('span', { class: 'pipeline-dependency', 'data-dependency': n, title: JSON.stringify(detailsOf(components[n])) }, [
        n + ' ',
        statusBadge(components[n].status),
      ]),
    );
  }

  function consumerCells(health, info) {
    const kc = componentsOf(health).kinesisConsumer;
    const c = info && info.consumer;
    if (!kc && !c) {
      return [h('td', { colspan: 5, class: 'pipeline-muted' }, '')];
    }
    const d = detailsOf(kc);
    const leases = d.leases || [];
    const lagByShard = unwrap(d.millisBehindLatest) || {};
    const lags = Object.values(lagByShard)
      .map((v) => Number(unwrap(v)))
      .filter((v) => !Number.isNaN(v));
    const lag = lags.length ? Math.max(...lags) : null;
    return [
      h('td', { class: 'pipeline-leases', 'data-leases': leases.length, title: leases.join(', ') }, number(leases.length)),
      h(
        'td',
        {
          class: 'pipeline-lag',
          'data-lag-ms': lag === null ? '' : lag,
          title: JSON.stringify(lagByShard),
        },
        lag === null ? '—' : `${number(lag)} ms`,
      ),
      h('td', { class: 'pipeline-rows', 'data-rows': c ? c.rowsWritten : '' }, c ? number(c.rowsWritten) : '—'),
      h('td', { class: 'pipeline-rate' }, c ? number(c.rowsPerSecond) : '—'),
      h('td', { class: 'pipeline-dead', 'data-dead-letters': c ? c.deadLetters : '' }, c ? number(c.deadLetters) : '—'),
    ];
  }

  function importsPanel(rows) {
    const ingest = rows.find((r) => r.name === 'ingest-service');
    const imports = ingest && ingest.info && ingest.info.imports;
    if (!imports) {
      return h('p', { class: 'pipeline-muted' }, 'Imports: ingest-service has not reported them (yet).');
    }
    const files = imports.files || {};
    return h('div', { class: 'pipeline-imports', 'data-imports': JSON.stringify(imports) }, [
      h('h2', 'Imports'),
      h('p', [
        `${imports.source || ''} · scheduled ${imports.scheduled || '—'} · `,
        Object.keys(files).length
          ? Object.entries(files).map(([state, n]) => `${state} ${number(n)}`).join(', ')
          : 'no files',
        ` · rows imported ${number(imports.rowsImported)}`,
        imports.lastPass ? ` · last pass ${imports.lastPass}` : '',
        imports.error ? ` · ${imports.error}` : '',
      ]),
    ]);
  }

  const PipelineView = {
    name: 'PipelineView',
    setup() {
      const store = SBA.useApplicationStore();
      const live = ref({});
      const updated = ref(null);
      let timer = null;

      const applications = () => {
        const a = store.applications;
        return (a && 'value' in a ? a.value : a) || [];
      };

      async function refresh() {
        const next = {};
        const instances = applications().flatMap((a) => a.instances || []);
        await Promise.all(
          instances.map(async (instance) => {
            const entry = {};
            try {
              entry.health = await actuator(instance.id, 'health');
            } catch (e) {
              entry.error = e.message;
            }
            try {
              entry.info = await actuator(instance.id, 'info');
            } catch (e) {
              // info is optional
            }
            next[instance.id] = entry;
          }),
        );
        live.value = next;
        updated.value = new Date();
      }

      onMounted(() => {
        refresh();
        timer = setInterval(refresh, REFRESH_MS);
      });
      onBeforeUnmount(() => clearInterval(timer));

      return () => {
        const rows = applications()
          .flatMap((a) => (a.instances || []).map((i) => ({ app: a, instance: i })))
          .map(({ app, instance }) => {
            const entry = live.value[instance.id] || {};
            const status = entry.health ? entry.health.status : instance.statusInfo && instance.statusInfo.status;
            return { name: app.name, instance, status, health: entry.health, info: entry.info, error: entry.error };
          })
          .sort((a, b) => {
            const ia = ORDER.indexOf(a.name);
            const ib = ORDER.indexOf(b.name);
            return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.name.localeCompare(b.name);
          });
        const up = rows.filter((r) => r.status === 'UP').length;
        return h('div', { class: 'pipeline-view' }, [
          h('h1', [
            'The pipeline ',
            h('span', { class: 'pipeline-summary', 'data-up': up, 'data-services': rows.length }, `${up} of ${rows.length} services UP`),
          ]),
          h('p', { class: 'pipeline-muted' }, [
            'Health, dependencies, each consumer\'s leases, lag (ms behind the stream\'s tip), rows written, rows/s over the last minute and dead letters; ',
            updated.value ? `read ${updated.value.toLocaleTimeString()}` : 'reading…',
            ', every 5 s.',
          ]),
          h('table', { class: 'pipeline-table' }, [
            h('thead', [
              h('tr', [
                'Service',
                'Status',
                'Dependencies',
                'Leases',
                'Lag',
                'Rows written',
                'Rows/s',
                'Dead letters',
              ].map((t) => h('th', t))),
            ]),
            h(
              'tbody',
              rows.map((r) =>
                h('tr', { 'data-service': r.name }, [
                  h('td', [
                    h('a', { href: `instances/${r.instance.id}/details` }, r.name),
                    h('div', { class: 'pipeline-muted' }, r.instance.registration.serviceUrl),
                  ]),
                  h('td', { class: 'pipeline-service-status', 'data-status': r.status || '' }, [
                    statusBadge(r.status),
                    r.error ? h('div', { class: 'pipeline-muted' }, r.error) : null,
                  ]),
                  h('td', { class: 'pipeline-dependencies' }, dependencies(r.health)),
                  ...consumerCells(r.health, r.info),
                ]),
              ),
            ),
          ]),
          importsPanel(rows),
        ]);
      };
    },
  };

  SBA.use({
    install({ viewRegistry }) {
      viewRegistry.addView({
        name: 'pipeline',
        path: '/pipeline',
        component: PipelineView,
        label: 'Pipeline',
        order: -100,
      });
    },
  });
})();
