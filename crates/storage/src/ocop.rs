//! OCOP producers, products (score, stars, certification and expiry) and support payments.

use giaoban_domain::audit::{AuditAction, AuditActor};
use giaoban_domain::ocop::{CertifyingLevel, PaymentDraft, ProducerDraft, ProductDraft, Score};
use giaoban_domain::unit::UnitId;
use jiff::civil::Date;
use serde::Serialize;
use uuid::Uuid;

use crate::audit::{NewAudit, record_audit};
use crate::convert::{date_to_db, now_micros, opt_date_from_db, opt_date_to_db};
use crate::{Result, Store, StoreError, with_pool, write_tx};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Producer {
    pub id: Uuid,
    pub commune_id: UnitId,
    pub name: String,
    pub kind: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Product {
    pub id: Uuid,
    pub producer_id: Uuid,
    pub name: String,
    pub score: Option<Score>,
    pub stars: Option<u8>,
    pub certifying_level: Option<CertifyingLevel>,
    pub certified_on: Option<Date>,
    pub expires_on: Option<Date>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payment {
    pub id: Uuid,
    pub producer_id: Uuid,
    pub product_id: Option<Uuid>,
    pub paid_on: Date,
    pub amount_vnd: i64,
    pub basis: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ProducerRow {
    id: Uuid,
    commune_id: Uuid,
    name: String,
    kind: String,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct ProductRow {
    id: Uuid,
    producer_id: Uuid,
    name: String,
    score_community: Option<i64>,
    score_marketing: Option<i64>,
    score_quality: Option<i64>,
    stars: Option<i64>,
    certifying_level: Option<String>,
    certified_on: Option<time::Date>,
    expires_on: Option<time::Date>,
    version: i64,
}

fn small(v: i64) -> Result<u8> {
    u8::try_from(v).map_err(|_| StoreError::Corrupt(format!("OCOP score {v}")))
}

fn product_from_row(r: ProductRow) -> Result<Product> {
    let score = match (r.score_community, r.score_marketing, r.score_quality) {
        (Some(c), Some(m), Some(q)) => Some(Score {
            community: small(c)?,
            marketing: small(m)?,
            quality: small(q)?,
        }),
        _ => None,
    };
    Ok(Product {
        id: r.id,
        producer_id: r.producer_id,
        name: r.name,
        score,
        stars: r.stars.map(small).transpose()?,
        certifying_level: r
            .certifying_level
            .as_deref()
            .map(CertifyingLevel::parse)
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("OCOP level: {e}")))?,
        certified_on: opt_date_from_db(r.certified_on)?,
        expires_on: opt_date_from_db(r.expires_on)?,
        version: r.version,
    })
}

const PRODUCT_COLUMNS: &str = "SELECT id, producer_id, name, score_community, score_marketing, \
    score_quality, stars, certifying_level, certified_on, expires_on, version FROM ocop_products";

impl Store {
    pub async fn create_ocop_producer(
        &self,
        actor: &AuditActor,
        d: &ProducerDraft,
    ) -> Result<Producer> {
        let id = Uuid::now_v7();
        write_tx!(self, tx => {
            let now = now_micros();
            sqlx::query(
                "INSERT INTO ocop_producers (id, commune_id, name, kind, created_at, updated_at, version) \
                 VALUES ($1, $2, $3, $4, $5, $5, 1)",
            )
            .bind(id)
            .bind(d.commune_id.0)
            .bind(d.name.as_str())
            .bind(d.kind.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let p = Producer { id, commune_id: d.commune_id, name: d.name.clone(), kind: d.kind.clone(), version: 1 };
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Create,
                entity: "ocop_producer",
                entity_id: id.to_string(),
                unit_id: Some(d.commune_id),
                before: None,
                after: serde_json::to_value(&p).ok(),
            }).await?;
            Ok(p)
        })
    }

    pub async fn ocop_producers(&self) -> Result<Vec<Producer>> {
        let rows: Vec<ProducerRow> = with_pool!(self, pool => sqlx::query_as(
            "SELECT id, commune_id, name, kind, version FROM ocop_producers ORDER BY name",
        )
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|r| Producer {
                id: r.id,
                commune_id: UnitId(r.commune_id),
                name: r.name,
                kind: r.kind,
                version: r.version,
            })
            .collect())
    }

    pub async fn ocop_producer(&self, id: Uuid) -> Result<Producer> {
        self.ocop_producers()
            .await?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or(StoreError::NotFound)
    }

    pub async fn create_ocop_product(
        &self,
        actor: &AuditActor,
        commune: UnitId,
        d: &ProductDraft,
    ) -> Result<Product> {
        let id = Uuid::now_v7();
        write_tx!(self, tx => {
            let now = now_micros();
            sqlx::query(
                "INSERT INTO ocop_products (id, producer_id, name, score_community, score_marketing, \
                 score_quality, stars, certifying_level, certified_on, expires_on, created_at, \
                 updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, 1)",
            )
            .bind(id)
            .bind(d.producer_id)
            .bind(d.name.as_str())
            .bind(d.score.map(|s| i64::from(s.community)))
            .bind(d.score.map(|s| i64::from(s.marketing)))
            .bind(d.score.map(|s| i64::from(s.quality)))
            .bind(d.stars.map(i64::from))
            .bind(d.certifying_level.map(|l| l.code()))
            .bind(opt_date_to_db(d.certified_on)?)
            .bind(opt_date_to_db(d.expires_on)?)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let sql = sqlx::AssertSqlSafe(format!("{PRODUCT_COLUMNS} WHERE id = $1"));
            let row: ProductRow = sqlx::query_as(sql).bind(id).fetch_one(&mut *tx).await?;
            let p = product_from_row(row)?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Create,
                entity: "ocop_product",
                entity_id: id.to_string(),
                unit_id: Some(commune),
                before: None,
                after: serde_json::to_value(&p).ok(),
            }).await?;
            Ok(p)
        })
    }

    pub async fn ocop_products(&self) -> Result<Vec<Product>> {
        let sql = sqlx::AssertSqlSafe(format!("{PRODUCT_COLUMNS} ORDER BY name"));
        let rows: Vec<ProductRow> =
            with_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await)?;
        rows.into_iter().map(product_from_row).collect()
    }

    pub async fn add_ocop_payment(
        &self,
        actor: &AuditActor,
        commune: UnitId,
        d: &PaymentDraft,
    ) -> Result<Payment> {
        let id = Uuid::now_v7();
        write_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO ocop_payments (id, producer_id, product_id, paid_on, amount_vnd, basis, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(d.producer_id)
            .bind(d.product_id)
            .bind(date_to_db(d.paid_on)?)
            .bind(d.amount_vnd)
            .bind(d.basis.as_deref())
            .bind(now_micros())
            .execute(&mut *tx)
            .await?;
            let p = Payment {
                id,
                producer_id: d.producer_id,
                product_id: d.product_id,
                paid_on: d.paid_on,
                amount_vnd: d.amount_vnd,
                basis: d.basis.clone(),
            };
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Create,
                entity: "ocop_payment",
                entity_id: id.to_string(),
                unit_id: Some(commune),
                before: None,
                after: serde_json::to_value(&p).ok(),
            }).await?;
            Ok(p)
        })
    }

    pub async fn ocop_payments(&self) -> Result<Vec<Payment>> {
        type Row = (Uuid, Uuid, Option<Uuid>, time::Date, i64, Option<String>);
        let rows: Vec<Row> = with_pool!(self, pool => sqlx::query_as(
            "SELECT id, producer_id, product_id, paid_on, amount_vnd, basis FROM ocop_payments \
             ORDER BY paid_on",
        )
        .fetch_all(pool)
        .await)?;
        rows.into_iter()
            .map(
                |(id, producer_id, product_id, paid_on, amount_vnd, basis)| {
                    Ok(Payment {
                        id,
                        producer_id,
                        product_id,
                        paid_on: crate::convert::date_from_db(paid_on)?,
                        amount_vnd,
                        basis,
                    })
                },
            )
            .collect()
    }
}
