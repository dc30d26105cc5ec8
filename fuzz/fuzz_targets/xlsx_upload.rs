//! An uploaded report file is untrusted bytes: reading it gives rows or located problems, never a
//! panic. Put a downloaded template in the corpus directory so libFuzzer starts inside a valid
//! package (`cargo fuzz run xlsx_upload fuzz/corpus/xlsx_upload`).
#![no_main]

use std::sync::OnceLock;

use giaoban_documents::xlsx::{FormColumn, UploadSpec, UploadUnit, read_form_upload};
use giaoban_domain::indicator::{BUNDLED_CATALOG, Indicator, IndicatorId, parse_catalog};
use giaoban_domain::period::Period;
use giaoban_domain::unit::UnitId;
use libfuzzer_sys::fuzz_target;

fn spec() -> &'static UploadSpec {
    static SPEC: OnceLock<UploadSpec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let catalog: Vec<Indicator> = parse_catalog(BUNDLED_CATALOG)
            .expect("the bundled catalog parses")
            .into_iter()
            .map(|d| Indicator {
                id: IndicatorId::new(),
                code: d.code,
                name_vi: d.name_vi,
                name_en: d.name_en,
                measure: d.measure,
                value_type: d.value_type,
                rollup: d.rollup,
                accumulation: d.accumulation,
                direction: d.direction,
                sector: d.sector,
                decimals: d.decimals,
                active: d.active,
                version: 1,
            })
            .collect();
        let columns = ["NN_LUA_GIEO_CAY", "DN_THANH_LAP_MOI", "NTM_DAT_CHUAN", "GHI_CHU_KHO_KHAN"]
            .iter()
            .filter_map(|c| catalog.iter().find(|i| i.code.as_str() == *c))
            .map(|i| FormColumn {
                indicator: i.clone(),
                required: false,
            })
            .collect();
        UploadSpec {
            form_code: "KTXH_QUY_XA".into(),
            period: Period::quarter(2023, 1).expect("a valid quarter"),
            columns,
            units: ["CT_CAM_NGOC", "CT_CAM_TAN", "00123"]
                .iter()
                .map(|c| UploadUnit {
                    code: (*c).into(),
                    id: UnitId::new(),
                    name: (*c).into(),
                })
                .collect(),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let spec = spec();
    match read_form_upload(data, spec) {
        Ok(rows) => {
            // Every row names a known unit, once.
            let mut seen = std::collections::HashSet::new();
            for r in &rows {
                assert!(spec.units.iter().any(|u| u.id == r.unit_id));
                assert!(seen.insert(r.unit_id));
                assert!(!r.values.is_empty());
            }
        }
        Err(problems) => assert!(!problems.is_empty()),
    }
});
