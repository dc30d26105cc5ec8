//! OCOP as the pages and the API share it: producers, products with score, stars, certifying level
//! and expiry, the products expiring soon, and support payments.
//!
//! Expiry reminders are a list and a flag (`validity` = `expiring`), not notifications: the
//! notification table is keyed to tasks. Access follows the records rule on the producer's commune.

use std::collections::HashMap;

use giaoban_domain::Lang;
use giaoban_domain::access::Permission;
use giaoban_domain::calendar::format_date_vi;
use giaoban_domain::lineage;
use giaoban_domain::ocop::{
    OcopRules, PRODUCER_KINDS, PaymentDraft, PaymentInput, ProducerDraft, ProducerInput,
    ProductDraft, ProductInput, Validity,
};
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::{Invalid, UnitId};
use giaoban_storage::ocop::{Payment, Producer, Product};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::App;
use crate::Caller;
use crate::Error;
use crate::work::UnitName;

fn rules() -> Result<&'static OcopRules, Error> {
    OcopRules::bundled().map_err(|e| Error::Internal(format!("OCOP rules: {e}")))
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProducerView {
    pub id: Uuid,
    pub commune: UnitName,
    pub name: String,
    pub kind: String,
    pub kind_label: String,
    pub products: usize,
    pub may_edit: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProductView {
    pub id: Uuid,
    pub producer_id: Uuid,
    pub producer: String,
    pub commune: UnitName,
    pub name: String,
    pub score_community: Option<u8>,
    pub score_marketing: Option<u8>,
    pub score_quality: Option<u8>,
    pub score: Option<u8>,
    pub stars: Option<u8>,
    /// "★★★".
    pub stars_label: String,
    pub certifying_level: Option<String>,
    pub certifying_level_label: Option<String>,
    pub certified_on: Option<String>,
    pub expires_on: Option<String>,
    /// `not_certified`, `valid`, `expiring`, `expired`.
    pub validity: String,
    pub validity_label: String,
    /// The commune the producer was registered in, when it has been merged since: the product is
    /// shown under the commune standing today (`commune`).
    pub former_commune: Option<UnitName>,
    /// "theo xã Cẩm Ngọc cũ": where a product shown under a successor comes from.
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaymentView {
    pub id: Uuid,
    pub producer: String,
    pub commune: UnitName,
    pub product: Option<String>,
    pub paid_on: String,
    pub amount_vnd: i64,
    /// "50.000.000 đồng".
    pub amount_label: String,
    pub basis: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CutoffView {
    pub stars: u8,
    pub min_score: u8,
}

/// What the viewer may see of OCOP.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OcopOverview {
    pub producers: Vec<ProducerView>,
    pub products: Vec<ProductView>,
    /// Certified products whose rating ends within the reminder window, or has ended.
    pub expiring: Vec<ProductView>,
    pub payments: Vec<PaymentView>,
    pub payments_total_label: String,
    /// The star cut-offs in force (from data; `rules_confirmed` says whether checked).
    pub cutoffs: Vec<CutoffView>,
    pub rules_confirmed: bool,
    pub remind_days: i32,
}

/// "50.000.000".
pub fn vnd(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn product_view(
    p: &Product,
    producer: Option<&Producer>,
    tree: &UnitTree<'_>,
    rules: &OcopRules,
    lang: Lang,
    today: jiff::civil::Date,
) -> ProductView {
    let registered = producer.and_then(|pr| tree.get(pr.commune_id));
    // A product of a commune merged since (issue 24) shows under the commune standing today, with
    // the old commune named as its source.
    let successor = registered
        .filter(|u| !u.is_active_on(today))
        .and_then(|u| tree.living_successor(u.id, today));
    let shown = successor.or(registered);
    let validity = Validity::on(p.expires_on, today, rules.remind_days);
    ProductView {
        id: p.id,
        producer_id: p.producer_id,
        producer: producer.map(|pr| pr.name.clone()).unwrap_or_default(),
        commune: UnitName {
            id: shown
                .map(|u| u.id.0)
                .or(producer.map(|pr| pr.commune_id.0))
                .unwrap_or(Uuid::nil()),
            name: shown
                .map(|u| u.short_name.clone().unwrap_or_else(|| u.name.clone()))
                .unwrap_or_default(),
        },
        former_commune: successor.and(registered).map(|u| UnitName {
            id: u.id.0,
            name: u.name.clone(),
        }),
        source: successor
            .and(registered)
            .map(|u| lineage::source_label(u, None, lang)),
        name: p.name.clone(),
        score_community: p.score.map(|s| s.community),
        score_marketing: p.score.map(|s| s.marketing),
        score_quality: p.score.map(|s| s.quality),
        score: p.score.map(|s| s.total()),
        stars: p.stars,
        stars_label: "★".repeat(usize::from(p.stars.unwrap_or(0))),
        certifying_level: p.certifying_level.map(|l| l.code().into()),
        certifying_level_label: p.certifying_level.map(|l| l.label(lang).into()),
        certified_on: p.certified_on.map(format_date_vi),
        expires_on: p.expires_on.map(format_date_vi),
        validity: match validity {
            Validity::NotCertified => "not_certified",
            Validity::Valid => "valid",
            Validity::Expiring(_) => "expiring",
            Validity::Expired => "expired",
        }
        .into(),
        validity_label: validity.label(lang),
    }
}

pub async fn overview(state: &App, me: &Caller, lang: Lang) -> Result<OcopOverview, Error> {
    let rules = rules()?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    // A successor's people read the producers of the communes merged into theirs (issue 24).
    let readable = |c: UnitId| me.may(&tree, Permission::ReadRecords, c);
    let producers: Vec<Producer> = state
        .store
        .ocop_producers()
        .await?
        .into_iter()
        .filter(|p| readable(p.commune_id))
        .collect();
    let by_id: HashMap<Uuid, &Producer> = producers.iter().map(|p| (p.id, p)).collect();
    let products: Vec<Product> = state
        .store
        .ocop_products()
        .await?
        .into_iter()
        .filter(|p| by_id.contains_key(&p.producer_id))
        .collect();
    let today = state.today();
    let product_views: Vec<ProductView> = products
        .iter()
        .map(|p| {
            let producer = by_id.get(&p.producer_id).copied();
            product_view(p, producer, &tree, rules, lang, today)
        })
        .collect();
    let names: HashMap<Uuid, String> = products.iter().map(|p| (p.id, p.name.clone())).collect();
    let payments: Vec<Payment> = state
        .store
        .ocop_payments()
        .await?
        .into_iter()
        .filter(|p| by_id.contains_key(&p.producer_id))
        .collect();
    let total: i64 = payments.iter().map(|p| p.amount_vnd).sum();
    Ok(OcopOverview {
        producers: producers
            .iter()
            .map(|p| ProducerView {
                id: p.id,
                commune: UnitName {
                    id: p.commune_id.0,
                    name: tree
                        .get(p.commune_id)
                        .map(|u| u.short_name.clone().unwrap_or_else(|| u.name.clone()))
                        .unwrap_or_default(),
                },
                name: p.name.clone(),
                kind: p.kind.clone(),
                kind_label: PRODUCER_KINDS
                    .iter()
                    .find(|(c, _, _)| *c == p.kind)
                    .map(|(_, vi, en)| lang.pick(vi, en).to_owned())
                    .unwrap_or_else(|| p.kind.clone()),
                products: products.iter().filter(|x| x.producer_id == p.id).count(),
                may_edit: me
                    .actor
                    .may(Permission::WriteRecords, &tree.ancestry(p.commune_id)),
            })
            .collect(),
        expiring: product_views
            .iter()
            .filter(|p| p.validity == "expiring" || p.validity == "expired")
            .cloned()
            .collect(),
        products: product_views,
        payments: payments
            .iter()
            .map(|p| {
                let pr = by_id.get(&p.producer_id);
                PaymentView {
                    id: p.id,
                    producer: pr.map(|x| x.name.clone()).unwrap_or_default(),
                    commune: UnitName {
                        id: pr.map_or(Uuid::nil(), |x| x.commune_id.0),
                        name: pr
                            .and_then(|x| tree.get(x.commune_id))
                            .map(|u| u.name.clone())
                            .unwrap_or_default(),
                    },
                    product: p.product_id.and_then(|id| names.get(&id).cloned()),
                    paid_on: format_date_vi(p.paid_on),
                    amount_vnd: p.amount_vnd,
                    amount_label: format!("{} {}", vnd(p.amount_vnd), lang.pick("đồng", "VND")),
                    basis: p.basis.clone(),
                }
            })
            .collect(),
        payments_total_label: format!("{} {}", vnd(total), lang.pick("đồng", "VND")),
        cutoffs: rules
            .stars
            .iter()
            .map(|c| CutoffView {
                stars: c.stars,
                min_score: c.min_score,
            })
            .collect(),
        rules_confirmed: rules.confirmed,
        remind_days: rules.remind_days,
    })
}

fn check_commune(
    me: &Caller,
    tree: &UnitTree<'_>,
    id: UnitId,
    field: &'static str,
) -> Result<(), Error> {
    let Some(u) = tree.get(id) else {
        return Err(Invalid::new(
            field,
            "unit.unknown",
            "Đơn vị không tồn tại.",
            "The unit does not exist.",
        )
        .into());
    };
    if !me.actor.may(Permission::WriteRecords, &tree.ancestry(id)) {
        return Err(Error::Forbidden);
    }
    if !u.kind.is_commune_level() {
        return Err(Invalid::new(
            field,
            "ocop.not_a_commune",
            format!("«{}» không phải là xã, phường, thị trấn.", u.name),
            format!("«{}» is not a commune.", u.name),
        )
        .into());
    }
    Ok(())
}

pub async fn create_producer(
    state: &App,
    me: &Caller,
    input: &ProducerInput,
) -> Result<Producer, Error> {
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    let d = ProducerDraft::parse(input)?;
    check_commune(me, &tree, d.commune_id, "commune_id")?;
    Ok(state.store.create_ocop_producer(&me.audit(), &d).await?)
}

/// The producer, if the viewer may write for its commune (404 unknown, 403 not theirs).
async fn writable_producer(state: &App, me: &Caller, id: Uuid) -> Result<Producer, Error> {
    let p = state.store.ocop_producer(id).await?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    if !me
        .actor
        .may(Permission::WriteRecords, &tree.ancestry(p.commune_id))
    {
        return Err(Error::Forbidden);
    }
    Ok(p)
}

/// A product as sent (its producer is in the path).
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ProductWrite {
    pub name: String,
    /// Sức mạnh cộng đồng, 0–40.
    #[serde(default)]
    pub score_community: Option<i64>,
    /// Tiếp thị, 0–25.
    #[serde(default)]
    pub score_marketing: Option<i64>,
    /// Chất lượng, 0–35.
    #[serde(default)]
    pub score_quality: Option<i64>,
    /// `district`, `province`, `central`.
    #[serde(default)]
    pub certifying_level: Option<String>,
    #[serde(default)]
    pub certified_on: Option<String>,
}

pub async fn create_product(
    state: &App,
    me: &Caller,
    producer: Uuid,
    w: &ProductWrite,
) -> Result<Product, Error> {
    let p = writable_producer(state, me, producer).await?;
    let d = ProductDraft::parse(
        &ProductInput {
            producer_id: producer,
            name: w.name.clone(),
            score_community: w.score_community,
            score_marketing: w.score_marketing,
            score_quality: w.score_quality,
            certifying_level: w.certifying_level.clone(),
            certified_on: w.certified_on.clone(),
        },
        rules()?,
    )?;
    Ok(state
        .store
        .create_ocop_product(&me.audit(), p.commune_id, &d)
        .await?)
}

/// A support payment as sent (its producer is in the path).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentWrite {
    #[serde(default)]
    pub product_id: Option<Uuid>,
    pub paid_on: String,
    /// In đồng: 50000000 or "50.000.000".
    #[schema(value_type = String)]
    pub amount_vnd: serde_json::Value,
    /// E.g. "NQ 123/2018/NQ-HĐND".
    #[serde(default)]
    pub basis: Option<String>,
}

pub async fn add_payment(
    state: &App,
    me: &Caller,
    producer: Uuid,
    w: &PaymentWrite,
) -> Result<Payment, Error> {
    let p = writable_producer(state, me, producer).await?;
    let d = PaymentDraft::parse(&PaymentInput {
        producer_id: producer,
        product_id: w.product_id,
        paid_on: w.paid_on.clone(),
        amount_vnd: w.amount_vnd.clone(),
        basis: w.basis.clone(),
    })?;
    if let Some(pid) = d.product_id
        && !state
            .store
            .ocop_products()
            .await?
            .iter()
            .any(|x| x.id == pid && x.producer_id == producer)
    {
        return Err(Invalid::new(
            "product_id",
            "ocop.product_unknown",
            "Sản phẩm không thuộc chủ thể này.",
            "The product does not belong to this producer.",
        )
        .into());
    }
    Ok(state
        .store
        .add_ocop_payment(&me.audit(), p.commune_id, &d)
        .await?)
}
