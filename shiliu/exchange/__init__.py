"""The Excel import/export engine (Excel 导入导出). Each app declares its own sheets.

Declaring a sheet, in ``<app>/sheets.py`` (found by ExchangeConfig.ready() through autodiscover):

    from shiliu.exchange.engine import Column, Sheet, parse_code
    from shiliu.exchange.registry import register

    @register
    class HonorSheet(Sheet):
        name = "honors"                 # URL key: exchange:export honors, exchange:import honors, ...
        title = "荣誉"                  # worksheet title in files
        verbose_name = _l("Honors")
        model = Honor                   # its scope_write_roles decide who may import
        list_url_name = "honors:list"
        columns = (Column("name", "名称", _l("Meaning"), required=True, format=_l("Text"), example="..."), ...)

        def export_queryset(self, *, user, filters): return selectors.honor_list(user=user, filters=filters)
        def export_row(self, obj): return [...]                 # one value per column, personal data masked
        def plan(self, *, actor, rows, report, progress=None):  # validate with prefetched sets, no writes
            ...; report.add(row.number, self.header_of("name"), message); return plan
        def apply(self, *, actor, plan): ...                      # bulk writes with history

Then ``shiliu.exchange.services`` gives every sheet: ``import_dry_run``, ``import_commit`` (one transaction, all
or nothing), ``import_file`` (both, for scripts), ``export_to_path`` / ``export_start`` and the background jobs
(``ExchangeJob``, swept by ``manage.py exchange_sweep``).
"""
