//! Enrollment: the office issues a one-time code for one person's device; the device redeems it
//! with its id and public key and gets a device token. A code works once and until it expires; a
//! refused redemption changes nothing. Only hashes of the secret and the token are kept, so the
//! database alone does not let anyone enroll or act as a device.
//!
//! Redeeming again with the same device id and key (a reinstalled app, a lost token) rolls the
//! token: the old one stops working. A revoked device stays revoked.

use chrono::{DateTime, Utc};
use examgate_sync::wire::{DeviceInfo, EnrollRequest, EnrollResponse, Role, enroll_proof_message};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use crate::db::ServerDb;
use crate::error::{Result, ServerError};
use crate::{random_hex, sha256_hex, stamp};

/// What a code enrolls its device as, and for how long it is valid.
#[derive(Debug, Clone)]
pub struct NewCode {
    pub site: String,
    pub room: Option<String>,
    pub role: Role,
    pub staff: String,
    pub valid: chrono::Duration,
}

/// A code just issued: the secret is shown once and not kept.
#[derive(Debug, Clone)]
pub struct IssuedCode {
    pub secret: String,
    pub expires_at: DateTime<Utc>,
}

impl ServerDb {
    /// Issues a one-time code at server time `now`.
    pub fn issue_code(&self, code: &NewCode, now: DateTime<Utc>) -> Result<IssuedCode> {
        if code.site.trim().is_empty() || code.staff.trim().is_empty() {
            return Err(ServerError::BadArgument(
                "考点和工号不能为空 (site and staff number are required)".into(),
            ));
        }
        if code.valid <= chrono::Duration::zero() {
            return Err(ServerError::BadArgument(
                "有效期须大于零 (the validity must be positive)".into(),
            ));
        }
        let secret = random_hex(16)?;
        let expires_at = now + code.valid;
        self.conn.execute(
            "INSERT INTO server_enroll_code
                 (secret_sha256, site, room, role, staff, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                sha256_hex(secret.as_bytes()),
                code.site,
                code.room,
                code.role.as_str(),
                code.staff,
                stamp(now),
                stamp(expires_at)
            ],
        )?;
        Ok(IssuedCode { secret, expires_at })
    }

    /// Redeems a code at server time `now`: all or nothing, in one immediate transaction so two
    /// devices racing with one code cannot both win.
    pub fn enroll(&mut self, req: &EnrollRequest, now: DateTime<Utc>) -> Result<EnrollResponse> {
        check_proof(req)?;
        check_name(&req.name)?;
        let public_key = req.public_key.to_ascii_lowercase();
        let device_id = req.device_id.to_string();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let code = tx
            .query_row(
                "SELECT site, room, role, staff, expires_at, used_at
                   FROM server_enroll_code WHERE secret_sha256 = ?1",
                [sha256_hex(req.secret.to_ascii_lowercase().as_bytes())],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, Option<String>>(5)?,
                    ))
                },
            )
            .optional()?;
        let Some((site, room, role, staff, expires_at, used_at)) = code else {
            return Err(ServerError::EnrollCodeUnknown);
        };
        if used_at.is_some() {
            return Err(ServerError::EnrollCodeUsed);
        }
        if expires_at <= stamp(now) {
            return Err(ServerError::EnrollCodeExpired {
                expired_at: expires_at,
            });
        }
        let role: Role = role.parse().map_err(ServerError::Internal)?;
        let existing = tx
            .query_row(
                "SELECT public_key, revoked_at FROM server_device WHERE device_id = ?1",
                [&device_id],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)),
            )
            .optional()?;
        match existing {
            Some((_, Some(_))) => return Err(ServerError::DeviceRevoked),
            Some((key, None)) if key != public_key => {
                return Err(ServerError::DeviceConflict(
                    "该设备已用另一个密钥注册 (this device is enrolled with another key)".into(),
                ));
            }
            _ => {}
        }
        let key_owner: Option<String> = tx
            .query_row(
                "SELECT device_id FROM server_device WHERE public_key = ?1",
                [&public_key],
                |r| r.get(0),
            )
            .optional()?;
        if key_owner.is_some_and(|owner| owner != device_id) {
            return Err(ServerError::DeviceConflict(
                "该密钥已属于另一台设备 (this key belongs to another device)".into(),
            ));
        }
        let token = random_hex(32)?;
        tx.execute(
            "INSERT INTO server_device
                 (device_id, public_key, name, site, room, role, staff, token_sha256, enrolled_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (device_id) DO UPDATE SET
                 name = excluded.name, site = excluded.site, room = excluded.room,
                 role = excluded.role, staff = excluded.staff,
                 token_sha256 = excluded.token_sha256, enrolled_at = excluded.enrolled_at",
            params![
                device_id,
                public_key,
                req.name,
                site,
                room,
                role.as_str(),
                staff,
                sha256_hex(token.as_bytes()),
                stamp(now)
            ],
        )?;
        tx.execute(
            "UPDATE server_enroll_code SET used_at = ?1, used_by = ?2 WHERE secret_sha256 = ?3",
            params![
                stamp(now),
                device_id,
                sha256_hex(req.secret.to_ascii_lowercase().as_bytes())
            ],
        )?;
        tx.commit()?;
        Ok(EnrollResponse {
            token,
            device: DeviceInfo {
                device_id: req.device_id,
                name: req.name.clone(),
                site,
                room,
                role,
                staff,
            },
        })
    }
}

/// A device name is printed in the office's lists and the trust list's comments: one line of
/// printable text, so it can neither start a line of its own nor steer the terminal.
fn check_name(name: &str) -> Result<()> {
    if !name.trim().is_empty() && name.chars().count() <= 64 && !name.chars().any(char::is_control)
    {
        Ok(())
    } else {
        Err(ServerError::BadJson {
            field: "name".into(),
            reason: "须为 1 到 64 个字符的一行文字 (one line of 1 to 64 characters)".into(),
        })
    }
}

/// The key is one the trust list (`examgate verify --trust`) will read back (64 hex digits of a
/// valid ed25519 point), and the device proved it holds it by signing this code's secret and its
/// id ([`enroll_proof_message`]).
fn check_proof(req: &EnrollRequest) -> Result<()> {
    let mut key = [0u8; 32];
    let key = hex::decode_to_slice(&req.public_key, &mut key)
        .ok()
        .and_then(|()| ed25519_dalek::VerifyingKey::from_bytes(&key).ok())
        .ok_or_else(|| ServerError::BadJson {
            field: "public_key".into(),
            reason: "须为 64 位十六进制的 ed25519 公钥 (an ed25519 key, 64 hex digits)".into(),
        })?;
    let mut proof = [0u8; 64];
    hex::decode_to_slice(&req.proof, &mut proof).map_err(|_| ServerError::BadJson {
        field: "proof".into(),
        reason: "须为 128 位十六进制的签名 (a signature, 128 hex digits)".into(),
    })?;
    let message = enroll_proof_message(&req.secret, req.device_id);
    key.verify_strict(&message, &ed25519_dalek::Signature::from_bytes(&proof))
        .map_err(|_| ServerError::KeyProofInvalid)
}
