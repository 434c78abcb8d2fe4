// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title Tender lease escrow
/// @notice Holds a tenant's deposit for a compute lease and pays the provider
/// by the second while the job runs. The lease ID is the EIP-712 digest of the
/// provider's bid, so every bid opens at most one lease. A lease is opened
/// by its tenant (openLease), or by the winning provider with the tenant's
/// signed award and, for a token with EIP-2612, a permit (openAwarded): a
/// tenant then needs no ETH at all.
/// A verified order's leases (replicas of one job on distinct providers, or a
/// spot check) form a group under the order's digest: their pay is held until
/// every replica has reported its result digest or passed its deadline, and
/// then only the providers whose digest the majority reported are paid.
/// @dev Every lease keeps two storage slots: a hash of its immutable terms and
/// one packed slot (deposit, paid, a timestamp, state). Calls after openLease
/// pass the terms back as calldata and the contract checks them against the
/// hash. The payment token must be a plain ERC-20: no fee on transfer, no
/// rebasing, no callbacks to the recipient.
contract Escrow is EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Where a lease is in its life. None: never opened. Open: the
    /// deposit is held, the provider has not started. Running: billing runs.
    /// Closed, Overdrawn, Reclaimed: settled, nothing left in escrow.
    /// Reported: a replica's provider closed it with its result digest; its
    /// pay waits for the group's settlement.
    enum State {
        None,
        Open,
        Running,
        Closed,
        Overdrawn,
        Reclaimed,
        Reported
    }

    /// @notice An order as its tenant signed it (EIP-712 type Order): the
    /// top-level fields, with the string auctioneer as keccak256 of its bytes
    /// and the nested requirements and job as their EIP-712 struct hashes.
    /// The nested Verify comes as its fields, with paths as the EIP-712
    /// encoding of the string array, since the escrow acts on replicas.
    struct Order {
        address tenant;
        bytes32 auctioneerHash;
        uint256 maxPricePerHour;
        uint64 maxDuration;
        uint64 bidDeadline;
        uint64 expiry;
        uint64 nonce;
        bytes32 requirementsHash;
        bytes32 jobHash;
        uint8 replicas;
        bytes32 pathsHash;
        uint16 spotCheckBps;
    }

    /// @notice A bid as its provider signed it (EIP-712 type Bid), with the
    /// string peerId as keccak256 of its bytes and the offer as its struct hash.
    struct Bid {
        bytes32 orderHash;
        address provider;
        bytes32 peerIdHash;
        uint256 pricePerHour;
        bytes32 offerHash;
        uint64 expiry;
        uint64 nonce;
    }

    /// @notice An EIP-2612 permit by which the tenant lets the escrow take
    /// value of its tokens (token.permit(tenant, escrow, value, deadline, v,
    /// r, s)): the deposit, or the deposits of all a verified order's
    /// replicas, whose awards then carry the same permit (the first open
    /// uses it; the allowance it set pays for the others). v = 0: no
    /// permit; the escrow's allowance must cover the deposit.
    struct Permit {
        uint256 value;
        uint256 deadline;
        uint8 v;
        bytes32 r;
        bytes32 s;
    }

    /// @notice What a lease keeps for its whole life. Only keccak256 of their
    /// ABI encoding is stored; callers pass them back (LeaseOpened has them all).
    struct Terms {
        address tenant;
        address provider;
        uint256 pricePerHour;
        uint64 maxDuration;
    }

    /// @notice A lease as getLease returns it: the hash of its terms and its
    /// status.
    struct Lease {
        bytes32 termsHash;
        uint96 deposit;
        uint96 paid;
        uint40 since;
        State state;
        bool held;
    }

    /// @notice What changes in a lease, packed in one storage slot. since is
    /// when it was opened while Open, and when it started from Running on;
    /// paid is what the provider has been paid (while Reported: what it
    /// earned, held, and since is when it reported). held: a replica of a
    /// verified order, whose pay waits for its group.
    struct Status {
        uint96 deposit;
        uint96 paid;
        uint40 since;
        State state;
        bool held;
    }

    /// @notice The leases of one verified order (keyed by the order's
    /// digest). maxReplicas: how many may be in it at once (the order's
    /// replicas, or 2 for a spot-checked order); a lease that leaves without
    /// a result (reclaimed, declined or cancelled) frees its place for
    /// another bid. opens: leases ever opened in it (at most MAX_OPENS);
    /// referee: a third replica joined after two disagreed; expiry: the
    /// order's, after which nobody joins.
    struct Group {
        uint8 maxReplicas;
        uint8 opens;
        bool referee;
        bool settled;
        uint40 expiry;
    }

    /// @dev What a group's members are now (see _tally).
    struct Tally {
        uint256 active;
        uint256 reported;
        bool disagree;
        uint256 lastReport;
    }

    /// @notice The shortest run a deposit must pay for, in seconds (or the
    /// order's maxDuration when that is shorter).
    uint64 public constant MIN_DURATION = 60;

    /// @notice The largest price per hour a lease accepts. It keeps price x
    /// seconds far from overflow.
    uint256 public constant MAX_PRICE_PER_HOUR = type(uint128).max;

    /// @notice The largest deposit a lease can hold (it is stored in 96 bits).
    uint256 public constant MAX_DEPOSIT = type(uint96).max;

    /// @notice The most leases one verified order may ever open: its
    /// replicas, a referee, and replacements of replicas that never started.
    uint8 public constant MAX_OPENS = 8;

    bytes32 public constant ORDER_TYPEHASH = keccak256(
        "Order(address tenant,string auctioneer,uint256 maxPricePerHour,uint64 maxDuration,uint64 bidDeadline,uint64 expiry,uint64 nonce,Requirements requirements,Job job,Verify verify)"
        "Attribute(string key,string value)"
        "EnvVar(string name,string value)"
        "Job(string image,string[] command,EnvVar[] env,bool network,uint16[] expose)"
        "Requirements(uint32 gpuCount,string[] gpuModels,uint64 minVramMiB,uint32 minComputeCapability,uint32 minCudaVersion,uint64 cpuMillis,uint64 memoryMiB,uint64 diskMiB,Attribute[] placement,bool allowSimulated)"
        "Verify(uint8 replicas,string[] paths,uint16 spotCheckBps)"
    );

    bytes32 public constant VERIFY_TYPEHASH = keccak256("Verify(uint8 replicas,string[] paths,uint16 spotCheckBps)");

    bytes32 public constant BID_TYPEHASH = keccak256(
        "Bid(bytes32 orderHash,address provider,string peerId,uint256 pricePerHour,Offer offer,uint64 expiry,uint64 nonce)"
        "Attribute(string key,string value)"
        "GPU(string model,uint64 vramMiB,uint32 computeCapability,uint32 count)"
        "Offer(GPU[] gpus,uint32 cudaVersion,uint64 cpuMillis,uint64 memoryMiB,uint64 diskMiB,Attribute[] attributes,bool simulated)"
    );

    /// @notice A tenant's award (EIP-712 type Award): the bid it chose, by its
    /// digest (the lease ID, which names the order), the deposit it pays and
    /// the last second (block time) at which the winner may open the lease.
    bytes32 public constant AWARD_TYPEHASH = keccak256("Award(bytes32 bid,uint256 deposit,uint64 deadline)");

    /// @notice The token every lease of this deployment is paid in.
    IERC20 public immutable token;

    /// @notice Seconds after opening within which the provider must start;
    /// after that the tenant may reclaim the whole deposit.
    uint64 public immutable startWindow;

    mapping(bytes32 leaseId => bytes32) private _termsHash;
    mapping(bytes32 leaseId => Status) private _status;

    mapping(bytes32 orderHash => Group) private _groups;
    /// @dev A group's leases in the order they joined (Group.opens of them).
    mapping(bytes32 orderHash => mapping(uint256 => bytes32)) private _members;
    /// @dev A replica's result digest, once Reported.
    mapping(bytes32 leaseId => bytes32) private _digest;
    /// @dev keccak256(orderHash, provider): the provider holds (or held) a
    /// lease of that group, and may not hold another.
    mapping(bytes32 seat => bool) private _seated;

    /// @notice Payments that could not be pushed (the token refused the
    /// transfer); their owner collects them with claim.
    mapping(address account => uint256) public owed;

    event LeaseOpened(
        bytes32 indexed leaseId,
        address indexed tenant,
        address indexed provider,
        bytes32 orderHash,
        uint256 pricePerHour,
        uint64 maxDuration,
        uint256 deposit
    );
    event Started(bytes32 indexed leaseId, uint64 startedAt);
    event Withdrawn(bytes32 indexed leaseId, uint256 amount);
    event ToppedUp(bytes32 indexed leaseId, uint256 amount, uint256 deposit);
    /// @notice by closed it (the tenant or the provider); paid is the
    /// provider's total over the lease, refunded what the tenant got back:
    /// paid + refunded = deposit.
    event Closed(bytes32 indexed leaseId, address by, int32 exitCode, bytes32 resultHash, uint256 paid, uint256 refunded);
    /// @notice The deposit ran out and by (anyone) closed the lease: paid (the
    /// provider's total) = deposit.
    event Overdrawn(bytes32 indexed leaseId, address by, uint256 paid);
    event Reclaimed(bytes32 indexed leaseId, uint256 refunded);
    event PaymentDeferred(address indexed account, uint256 amount);
    event Claimed(address indexed account, address indexed to, uint256 amount);
    /// @notice A replica's provider closed it with its result digest: held
    /// (what it earned) waits for the group; refunded went back to the tenant.
    event Reported(bytes32 indexed leaseId, int32 exitCode, bytes32 resultDigest, uint256 held, uint256 refunded);
    /// @notice A reported replica was settled: paid to its provider when its
    /// digest is the majority's, else refunded to the tenant.
    event ReplicaSettled(bytes32 indexed leaseId, bool agreed, uint256 paid, uint256 refunded);
    /// @notice A verified order's group was settled (majority: the digest
    /// more than half of the reporting replicas gave, or zero when none
    /// did); paid and refunded are the held amounts it moved.
    event GroupSettled(bytes32 indexed orderHash, bytes32 majority, uint256 paid, uint256 refunded);

    error NotTenant(address caller, address tenant);
    error NotProvider(address caller, address provider);
    error NotParty(address caller);
    error OrderExpired(uint64 expiry);
    error BidExpired(uint64 expiry);
    error PriceAboveMax(uint256 pricePerHour, uint256 maxPricePerHour);
    error PriceTooHigh(uint256 pricePerHour, uint256 limit);
    error ZeroMaxDuration();
    error BidForOtherOrder(bytes32 named, bytes32 order);
    error InvalidSignature();
    error WrongSigner(address signer, address provider);
    error LeaseExists(bytes32 leaseId);
    error UnknownLease(bytes32 leaseId);
    error TermsMismatch(bytes32 leaseId);
    error WrongState(bytes32 leaseId, State state);
    error DepositTooSmall(uint256 deposit, uint256 minimum);
    error DepositTooLarge(uint256 deposit, uint256 limit);
    error ZeroAmount();
    error StartDeadlinePassed(uint256 deadline);
    error StartDeadlineNotPassed(uint256 deadline);
    error NothingToWithdraw(bytes32 leaseId);
    error NotOverdrawn(bytes32 leaseId, uint256 earned, uint256 deposit);
    error DepositExhausted(bytes32 leaseId);
    error NothingToClaim();
    error ZeroAddress();
    error TransferOutOfGas();
    error ZeroStartWindow();
    error AwardExpired(uint64 deadline);
    error NotAwarded(address signer, address tenant);
    error Held(bytes32 leaseId);
    error InvalidVerify(uint8 replicas, uint16 spotCheckBps);
    error GroupFull(bytes32 orderHash, uint8 members);
    error GroupSettledAlready(bytes32 orderHash);
    error ProviderInGroup(bytes32 orderHash, address provider);
    error UnknownGroup(bytes32 orderHash);
    error MembersMismatch(bytes32 orderHash, uint256 members, uint256 given);
    error ReplicaNotEnded(bytes32 leaseId);
    error RefereeWindowOpen(uint256 until);
    error GroupStillOpen(uint256 expiry);

    constructor(IERC20 token_, uint64 startWindow_) EIP712("Tender", "1") {
        if (address(token_) == address(0)) revert ZeroAddress();
        if (startWindow_ == 0) revert ZeroStartWindow();
        token = token_;
        startWindow = startWindow_;
    }

    /// @notice Opens a lease from the tenant's order and the provider's signed
    /// bid, and pulls deposit from the tenant (approve it first).
    /// @return leaseId the bid's EIP-712 digest.
    function openLease(Order calldata order, Bid calldata bid, bytes calldata providerSig, uint256 deposit)
        external
        nonReentrant
        returns (bytes32 leaseId)
    {
        if (msg.sender != order.tenant) revert NotTenant(msg.sender, order.tenant);
        bytes32 orderHash;
        (leaseId, orderHash) = _checkOpen(order, bid, deposit);
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(leaseId, providerSig);
        if (err != ECDSA.RecoverError.NoError) revert InvalidSignature();
        if (signer != bid.provider) revert WrongSigner(signer, bid.provider);
        _store(leaseId, orderHash, order, bid, deposit, State.Open);
    }

    /// @notice The winning provider opens the lease its tenant awarded it and
    /// starts it, in one transaction, paying the gas: billing runs from this
    /// block, so the provider sends it once the job's container runs. The
    /// tenant signed the award (bid digest, deposit, deadline); its
    /// signature covers the order, which the bid names by digest. With a
    /// permit (v != 0) the escrow first lets itself take the permit's value;
    /// a permit someone already used is fine while the allowance it set
    /// stands. No open after the award's deadline, the order's or the bid's
    /// expiry.
    /// @return leaseId the bid's EIP-712 digest.
    function openAwarded(
        Order calldata order,
        Bid calldata bid,
        uint256 deposit,
        uint64 deadline,
        bytes calldata awardSig,
        Permit calldata permit
    ) external nonReentrant returns (bytes32 leaseId) {
        if (msg.sender != bid.provider) revert NotProvider(msg.sender, bid.provider);
        if (block.timestamp > deadline) revert AwardExpired(deadline);
        bytes32 orderHash;
        (leaseId, orderHash) = _checkOpen(order, bid, deposit);
        bytes32 award = _hashTypedDataV4(keccak256(abi.encode(AWARD_TYPEHASH, leaseId, deposit, deadline)));
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(award, awardSig);
        if (err != ECDSA.RecoverError.NoError) revert InvalidSignature();
        if (signer != order.tenant) revert NotAwarded(signer, order.tenant);
        if (permit.v != 0) {
            // A failed permit (used already, by anyone) is not an error: the
            // deposit's pull below fails when the allowance does not cover it.
            try IERC20Permit(address(token)).permit(
                signer, address(this), permit.value, permit.deadline, permit.v, permit.r, permit.s
            ) {} catch {}
        }
        _store(leaseId, orderHash, order, bid, deposit, State.Running);
        emit Started(leaseId, uint64(block.timestamp));
    }

    /// @dev What every open checks of the order, the bid and the deposit;
    /// returns the lease ID (the bid's digest) and the order's digest.
    function _checkOpen(Order calldata order, Bid calldata bid, uint256 deposit)
        private
        view
        returns (bytes32 leaseId, bytes32 orderHash)
    {
        if (block.timestamp >= order.expiry) revert OrderExpired(order.expiry);
        if (block.timestamp >= bid.expiry) revert BidExpired(bid.expiry);
        uint256 price = bid.pricePerHour;
        if (price > order.maxPricePerHour) revert PriceAboveMax(price, order.maxPricePerHour);
        if (price > MAX_PRICE_PER_HOUR) revert PriceTooHigh(price, MAX_PRICE_PER_HOUR);
        uint64 maxDuration = order.maxDuration;
        if (maxDuration == 0) revert ZeroMaxDuration();
        uint256 minimum = _minimumDeposit(price, maxDuration);
        if (deposit < minimum) revert DepositTooSmall(deposit, minimum);
        if (deposit > MAX_DEPOSIT) revert DepositTooLarge(deposit, MAX_DEPOSIT);

        orderHash = _hashOrder(order);
        if (bid.orderHash != orderHash) revert BidForOtherOrder(bid.orderHash, orderHash);
        leaseId = _hashTypedDataV4(keccak256(abi.encode(BID_TYPEHASH, bid)));
        if (_termsHash[leaseId] != 0) revert LeaseExists(leaseId);
    }

    /// @dev Stores a new lease in state (Open, or Running from now), emits
    /// LeaseOpened and pulls the deposit from the tenant. A verified order's
    /// lease joins its group.
    function _store(
        bytes32 leaseId,
        bytes32 orderHash,
        Order calldata order,
        Bid calldata bid,
        uint256 deposit,
        State state
    ) private {
        address tenant = order.tenant;
        bool held = order.replicas != 0 || order.spotCheckBps != 0;
        if (held) _join(orderHash, leaseId, order, bid.provider);
        _termsHash[leaseId] = keccak256(abi.encode(tenant, bid.provider, bid.pricePerHour, order.maxDuration));
        _status[leaseId] = Status(uint96(deposit), 0, uint40(block.timestamp), state, held);
        emit LeaseOpened(leaseId, tenant, bid.provider, orderHash, bid.pricePerHour, order.maxDuration, deposit);

        token.safeTransferFrom(tenant, address(this), deposit);
    }

    /// @dev Adds a lease of provider to the group of a verified order: at
    /// most maxReplicas at once (a third after two replicas disagreed, while
    /// the referee window is open), one per provider, MAX_OPENS in all.
    function _join(bytes32 orderHash, bytes32 leaseId, Order calldata order, address provider) private {
        uint8 replicas = order.replicas;
        uint16 spot = order.spotCheckBps;
        bool valid = (replicas == 1 && spot != 0 && spot <= 10_000) || ((replicas == 2 || replicas == 3) && spot == 0);
        if (!valid) revert InvalidVerify(replicas, spot);
        Group memory g = _groups[orderHash];
        if (g.opens == 0) {
            g.maxReplicas = replicas == 1 ? 2 : replicas;
            g.expiry = order.expiry > type(uint40).max ? type(uint40).max : uint40(order.expiry);
        }
        if (g.settled) revert GroupSettledAlready(orderHash);
        bytes32 seat = keccak256(abi.encode(orderHash, provider));
        if (_seated[seat]) revert ProviderInGroup(orderHash, provider);
        if (g.opens >= MAX_OPENS) revert GroupFull(orderHash, g.opens);
        if (g.opens >= g.maxReplicas) {
            Tally memory t = _tally(orderHash, g.opens);
            if (t.active >= g.maxReplicas) {
                if (!_refereeMayJoin(g, t)) revert GroupFull(orderHash, uint8(t.active));
                g.referee = true;
            }
        }
        _members[orderHash][g.opens] = leaseId;
        g.opens++;
        _groups[orderHash] = g;
        _seated[seat] = true;
    }

    /// @dev Counts a group's first n members: active (open, running or
    /// reported: not gone without a result), reported, whether two reported
    /// different digests, and when the last one reported.
    function _tally(bytes32 orderHash, uint256 n) private view returns (Tally memory t) {
        bytes32 first;
        for (uint256 i = 0; i < n; i++) {
            bytes32 id = _members[orderHash][i];
            Status memory s = _status[id];
            if (s.state == State.Open || s.state == State.Running) {
                t.active++;
            } else if (s.state == State.Reported) {
                t.active++;
                bytes32 d = _digest[id];
                if (t.reported == 0) first = d;
                else if (d != first) t.disagree = true;
                t.reported++;
                if (s.since > t.lastReport) t.lastReport = s.since;
            }
        }
    }

    /// @dev Whether a referee may join a group now: two replicas (of two
    /// wanted) are in it, both reported, with different digests, and the
    /// later report is at most startWindow old.
    function _refereeMayJoin(Group memory g, Tally memory t) private view returns (bool) {
        return g.maxReplicas == 2 && !g.referee && t.active == 2 && t.reported == 2 && t.disagree
            && block.timestamp <= t.lastReport + startWindow;
    }

    /// @notice The provider starts the job: billing runs from now. Only before
    /// the start deadline (opened + startWindow).
    function start(bytes32 leaseId, Terms calldata terms) external {
        Status memory s = _load(leaseId, terms);
        if (msg.sender != terms.provider) revert NotProvider(msg.sender, terms.provider);
        if (s.state != State.Open) revert WrongState(leaseId, s.state);
        uint256 deadline = uint256(s.since) + startWindow;
        if (block.timestamp > deadline) revert StartDeadlinePassed(deadline);

        _status[leaseId] = Status(s.deposit, s.paid, uint40(block.timestamp), State.Running, s.held);
        emit Started(leaseId, uint64(block.timestamp));
    }

    /// @notice Pays the provider what has accrued since its last withdrawal.
    /// Not for a replica: its pay waits for its group.
    function withdraw(bytes32 leaseId, Terms calldata terms) external nonReentrant returns (uint256 amount) {
        Status memory s = _load(leaseId, terms);
        if (msg.sender != terms.provider) revert NotProvider(msg.sender, terms.provider);
        if (s.state != State.Running) revert WrongState(leaseId, s.state);
        if (s.held) revert Held(leaseId);
        (uint256 earned,) = _earned(s, terms, block.timestamp);
        amount = earned - s.paid;
        if (amount == 0) revert NothingToWithdraw(leaseId);

        _status[leaseId] = Status(s.deposit, uint96(earned), s.since, State.Running, false);
        emit Withdrawn(leaseId, amount);
        _pay(terms.provider, amount);
    }

    /// @notice The tenant adds to the deposit of an open or running lease
    /// (approve it first), before the deposit runs out: a running lease whose
    /// deposit is spent can only be closed.
    function topUp(bytes32 leaseId, Terms calldata terms, uint256 amount) external nonReentrant {
        Status memory s = _load(leaseId, terms);
        if (msg.sender != terms.tenant) revert NotTenant(msg.sender, terms.tenant);
        if (s.state != State.Open && s.state != State.Running) revert WrongState(leaseId, s.state);
        if (s.state == State.Running) {
            // Once the deposit has run out the provider stops the job: a
            // top-up then would pay for seconds nobody ran.
            (, bool exhausted) = _earned(s, terms, block.timestamp);
            if (exhausted) revert DepositExhausted(leaseId);
        }
        if (amount == 0) revert ZeroAmount();
        if (amount > MAX_DEPOSIT - s.deposit) revert DepositTooLarge(uint256(s.deposit) + amount, MAX_DEPOSIT);
        uint256 deposit = uint256(s.deposit) + amount;

        _status[leaseId] = Status(uint96(deposit), s.paid, s.since, s.state, s.held);
        emit ToppedUp(leaseId, amount, deposit);
        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Ends an open or running lease: the provider when the job has
    /// exited (exitCode, the hash of the result archive, and endedAt, when
    /// the job ended), or the tenant to cancel. Pays the provider what
    /// accrued and refunds the rest. A provider's endedAt can only bill
    /// less: pay accrues up to it, never past now, never before the start,
    /// and never below what was withdrawn. A tenant's endedAt is ignored.
    /// A replica's provider closing a running lease reports: resultHash is
    /// its result digest, what it earned is held for the group's settlement
    /// and only the rest is refunded now. A replica closed otherwise leaves
    /// its group, settled as any lease.
    function close(bytes32 leaseId, Terms calldata terms, int32 exitCode, bytes32 resultHash, uint64 endedAt)
        external
        nonReentrant
    {
        Status memory s = _load(leaseId, terms);
        if (msg.sender != terms.provider && msg.sender != terms.tenant) revert NotParty(msg.sender);
        uint256 earned;
        if (s.state == State.Running) {
            uint256 until = block.timestamp;
            if (msg.sender == terms.provider && endedAt < until) until = endedAt < s.since ? s.since : endedAt;
            (earned,) = _earned(s, terms, until);
            if (earned < s.paid) earned = s.paid;
        } else if (s.state != State.Open) {
            revert WrongState(leaseId, s.state);
        }
        uint256 refund = s.deposit - earned;

        if (s.held) {
            if (s.state == State.Running && msg.sender == terms.provider) {
                _status[leaseId] = Status(s.deposit, uint96(earned), uint40(block.timestamp), State.Reported, true);
                _digest[leaseId] = resultHash;
                emit Reported(leaseId, exitCode, resultHash, earned, refund);
                _pay(terms.tenant, refund);
                return;
            }
        }
        _status[leaseId] = Status(s.deposit, uint96(earned), s.since, State.Closed, s.held);
        emit Closed(leaseId, msg.sender, exitCode, resultHash, earned, refund);
        _pay(terms.provider, earned - s.paid);
        _pay(terms.tenant, refund);
    }

    /// @notice Anyone may close a running lease whose deposit has run out: the
    /// provider gets the rest of the deposit. Not a replica: its provider
    /// reports, or its group settles it as silent.
    function closeOverdrawn(bytes32 leaseId, Terms calldata terms) external nonReentrant {
        Status memory s = _load(leaseId, terms);
        if (s.state != State.Running) revert WrongState(leaseId, s.state);
        if (s.held) revert Held(leaseId);
        (uint256 earned, bool exhausted) = _earned(s, terms, block.timestamp);
        if (!exhausted) revert NotOverdrawn(leaseId, earned, s.deposit);

        _status[leaseId] = Status(s.deposit, s.deposit, s.since, State.Overdrawn, false);
        emit Overdrawn(leaseId, msg.sender, s.deposit);
        _pay(terms.provider, s.deposit - s.paid);
    }

    /// @notice The tenant takes the whole deposit back when the provider did
    /// not start before the start deadline.
    function reclaim(bytes32 leaseId, Terms calldata terms) external nonReentrant {
        Status memory s = _load(leaseId, terms);
        if (msg.sender != terms.tenant) revert NotTenant(msg.sender, terms.tenant);
        if (s.state != State.Open) revert WrongState(leaseId, s.state);
        uint256 deadline = uint256(s.since) + startWindow;
        if (block.timestamp <= deadline) revert StartDeadlineNotPassed(deadline);

        _status[leaseId] = Status(s.deposit, 0, s.since, State.Reclaimed, s.held);
        emit Reclaimed(leaseId, s.deposit);
        _pay(terms.tenant, s.deposit);
    }

    /// @notice Settles a verified order's group (anyone may call it) once no
    /// lease can join it any more (it has its replicas, or the order has
    /// expired; after two disagreeing replicas, the referee window has
    /// passed or the referee joined) and every member has ended or passed
    /// its deadline: an unstarted one past its start window is reclaimed, a
    /// running one that stopped accruing startWindow ago without a report is
    /// silent and refunded. The majority is the digest that more than half
    /// of the reporting replicas gave: they are paid what they earned; the
    /// other reporters' pay is refunded to the tenant.
    /// @param terms every member's terms, in the order getGroup lists them.
    function settle(bytes32 orderHash, Terms[] calldata terms) external nonReentrant {
        Group memory g = _groups[orderHash];
        if (g.opens == 0) revert UnknownGroup(orderHash);
        if (g.settled) revert GroupSettledAlready(orderHash);
        mapping(uint256 => bytes32) storage members = _members[orderHash];
        uint256 n = g.opens;
        if (terms.length != n) revert MembersMismatch(orderHash, n, terms.length);
        if (block.timestamp < g.expiry) {
            Tally memory t = _tally(orderHash, n);
            if (t.active < g.maxReplicas) revert GroupStillOpen(g.expiry);
            if (_refereeMayJoin(g, t)) revert RefereeWindowOpen(t.lastReport + startWindow);
        }

        Status[] memory st = new Status[](n);
        bytes32[] memory digests = new bytes32[](n);
        uint256 reported;
        uint256 refund;
        for (uint256 i = 0; i < n; i++) {
            bytes32 id = members[i];
            Status memory s = _load(id, terms[i]);
            st[i] = s;
            if (s.state == State.Reported) {
                digests[i] = _digest[id];
                reported++;
            } else if (s.state == State.Open) {
                if (block.timestamp <= uint256(s.since) + startWindow) revert ReplicaNotEnded(id);
                _status[id] = Status(s.deposit, 0, s.since, State.Reclaimed, true);
                emit Reclaimed(id, s.deposit);
                refund += s.deposit;
            } else if (s.state == State.Running) {
                if (!_late(s, terms[i])) revert ReplicaNotEnded(id);
                _status[id] = Status(s.deposit, 0, s.since, State.Closed, true);
                emit ReplicaSettled(id, false, 0, s.deposit);
                refund += s.deposit;
            }
        }
        bytes32 majority;
        bool agreed;
        for (uint256 i = 0; i < n && !agreed; i++) {
            if (st[i].state != State.Reported) continue;
            uint256 votes;
            for (uint256 j = 0; j < n; j++) {
                if (st[j].state == State.Reported && digests[j] == digests[i]) votes++;
            }
            if (votes * 2 > reported) (majority, agreed) = (digests[i], true);
        }
        uint256 paid;
        for (uint256 i = 0; i < n; i++) {
            Status memory s = st[i];
            if (s.state != State.Reported) continue;
            bool ok = agreed && digests[i] == majority;
            _status[members[i]] = Status(s.deposit, ok ? s.paid : 0, s.since, State.Closed, true);
            emit ReplicaSettled(members[i], ok, ok ? s.paid : 0, ok ? 0 : s.paid);
            if (ok) paid += s.paid;
            else refund += s.paid;
        }
        _groups[orderHash].settled = true;
        emit GroupSettled(orderHash, majority, paid, refund);

        for (uint256 i = 0; i < n; i++) {
            if (st[i].state == State.Reported && agreed && digests[i] == majority) _pay(terms[i].provider, st[i].paid);
        }
        _pay(terms[0].tenant, refund);
    }

    /// @dev Whether a running lease stopped accruing (its maxDuration ran,
    /// or its deposit) at least startWindow ago.
    function _late(Status memory s, Terms calldata terms) private view returns (bool) {
        if (block.timestamp < uint256(s.since) + startWindow) return false;
        uint256 t = block.timestamp - startWindow;
        if (t - s.since >= terms.maxDuration) return true;
        (, bool exhausted) = _earned(s, terms, t);
        return exhausted;
    }

    /// @notice A verified order's group; its active members (see Group);
    /// its members' lease IDs in the order they joined, and each one's result
    /// digest (zero until it reported).
    function getGroup(bytes32 orderHash)
        external
        view
        returns (Group memory group, uint256 active, bytes32[] memory members, bytes32[] memory digests)
    {
        group = _groups[orderHash];
        active = _tally(orderHash, group.opens).active;
        members = new bytes32[](group.opens);
        digests = new bytes32[](group.opens);
        for (uint256 i = 0; i < group.opens; i++) {
            members[i] = _members[orderHash][i];
            digests[i] = _digest[members[i]];
        }
    }

    /// @notice Sends the caller's deferred payments to `to`.
    function claim(address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert ZeroAddress();
        amount = owed[msg.sender];
        if (amount == 0) revert NothingToClaim();
        owed[msg.sender] = 0;
        emit Claimed(msg.sender, to, amount);
        token.safeTransfer(to, amount);
    }

    /// @notice The stored lease (all zero when it never existed).
    function getLease(bytes32 leaseId) external view returns (Lease memory) {
        Status memory s = _status[leaseId];
        return Lease(_termsHash[leaseId], s.deposit, s.paid, s.since, s.state, s.held);
    }

    /// @notice What the provider has earned so far (capped at the deposit) and
    /// whether the deposit has run out. For a lease that is not running:
    /// what it was paid.
    function accrued(bytes32 leaseId, Terms calldata terms) external view returns (uint256 earned, bool overdrawn) {
        Status memory s = _load(leaseId, terms);
        if (s.state == State.Running) return _earned(s, terms, block.timestamp);
        return (s.paid, s.state == State.Overdrawn);
    }

    /// @notice The EIP-712 digest of an order: what its tenant signs, and what
    /// a bid names.
    function hashOrder(Order calldata order) external view returns (bytes32) {
        return _hashOrder(order);
    }

    function _hashOrder(Order calldata o) private view returns (bytes32) {
        bytes32 verifyHash = keccak256(abi.encode(VERIFY_TYPEHASH, o.replicas, o.pathsHash, o.spotCheckBps));
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    ORDER_TYPEHASH,
                    o.tenant,
                    o.auctioneerHash,
                    o.maxPricePerHour,
                    o.maxDuration,
                    o.bidDeadline,
                    o.expiry,
                    o.nonce,
                    o.requirementsHash,
                    o.jobHash,
                    verifyHash
                )
            )
        );
    }

    /// @notice The EIP-712 digest of a bid: what its provider signs, and the
    /// ID of the lease opened from it.
    function hashBid(Bid calldata bid) external view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(BID_TYPEHASH, bid)));
    }

    /// @notice The hash of a lease's terms, as stored.
    function hashTerms(Terms calldata terms) external pure returns (bytes32) {
        return _hashTerms(terms);
    }

    /// @notice The EIP-712 domain separator (name "Tender", version "1", this
    /// chain, this contract).
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @notice The least deposit a lease at pricePerHour accepts: what
    /// MIN_DURATION seconds (or maxDuration, when shorter) cost, and at least 1.
    function minimumDeposit(uint256 pricePerHour, uint64 maxDuration) external pure returns (uint256) {
        if (pricePerHour > MAX_PRICE_PER_HOUR) revert PriceTooHigh(pricePerHour, MAX_PRICE_PER_HOUR);
        return _minimumDeposit(pricePerHour, maxDuration);
    }

    function _minimumDeposit(uint256 price, uint64 maxDuration) private pure returns (uint256) {
        uint256 minimum = price * (maxDuration < MIN_DURATION ? maxDuration : MIN_DURATION) / 3600;
        return minimum == 0 ? 1 : minimum;
    }

    function _hashTerms(Terms calldata terms) private pure returns (bytes32) {
        return keccak256(abi.encode(terms.tenant, terms.provider, terms.pricePerHour, terms.maxDuration));
    }

    /// @dev Loads a lease's status and checks that terms are the ones it was
    /// opened with.
    function _load(bytes32 leaseId, Terms calldata terms) private view returns (Status memory) {
        bytes32 stored = _termsHash[leaseId];
        if (stored == 0) revert UnknownLease(leaseId);
        if (stored != _hashTerms(terms)) revert TermsMismatch(leaseId);
        return _status[leaseId];
    }

    /// @dev What a running lease has earned by time `until`: price x seconds
    /// from its start (at most maxDuration) / 3600, rounded down, capped at
    /// the deposit; exhausted when that reaches the deposit.
    function _earned(Status memory s, Terms calldata terms, uint256 until)
        private
        pure
        returns (uint256 earned, bool exhausted)
    {
        uint256 elapsed = until - s.since;
        if (elapsed > terms.maxDuration) elapsed = terms.maxDuration;
        earned = terms.pricePerHour * elapsed / 3600;
        if (earned >= s.deposit) return (s.deposit, true);
        return (earned, false);
    }

    /// @dev Pushes amount to `to`; when the token refuses, the amount waits in
    /// owed for `to` to claim, so one party's refusal never locks the other's
    /// money. A transfer starved of gas (the caller chose the gas limit) fails
    /// the whole call instead.
    function _pay(address to, uint256 amount) private {
        if (amount == 0) return;
        uint256 gasBefore = gasleft();
        if (token.trySafeTransfer(to, amount)) return;
        if (gasleft() <= gasBefore / 63) revert TransferOutOfGas();
        owed[to] += amount;
        emit PaymentDeferred(to, amount);
    }
}
